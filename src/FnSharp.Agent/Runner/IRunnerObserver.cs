namespace FnSharp.Agent.Runner;

/// <summary>
/// Hears the runner's state changes as they happen, beyond what its meters and spans say: tests inject
/// one to wait for a state instead of polling; production has <see cref="RunnerObserver.None"/>. Called
/// from any thread, never under a lock of the runner's, and must return at once.
/// </summary>
internal interface IRunnerObserver
{
    /// <summary>After any change of a slot queue's state: a call queued, given a container, refused or ended; a container started, turned idle or removed.</summary>
    void StateChanged();

    /// <summary>After memory was reserved for a container, with the memory reserved then (this one included), in MiB.</summary>
    void MemoryReserved(long reservedMiB);

    /// <summary>
    /// After memory was granted to a container start (<see cref="Eviction.MemoryLine"/>): whether it counts against
    /// the async share, and how many starts of the same pool asked before it were still waiting (0 in order).
    /// </summary>
    void MemoryGranted(bool asyncPool, int overtaken);

    /// <summary>After a container just created joined the runner's live containers.</summary>
    void ContainerAdded();

    /// <summary>After a container left the runner's live containers, removed and its memory released.</summary>
    void ContainerRemoved();

    /// <summary>After a container operation of <paramref name="kind"/> began to wait for a place in the engine operations' limit.</summary>
    void ContainerOpWaiting(Containers.ContainerOpKind kind);
}
