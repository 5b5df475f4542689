using FnSharp.Agent.Runner;
using FnSharp.Testing.Fakes;

namespace FnSharp.Agent.Tests.Runner;

/// <summary>
/// The runner's observer in tests: it counts the runner's live containers and keeps the most memory ever
/// reserved, and each change wakes the waits of the fake driver (<see cref="FakeContainerDriver.WaitUntilAsync"/>).
/// </summary>
internal sealed class HarnessObserver(FakeContainerDriver driver) : IRunnerObserver
{
    private int _live;
    private long _peakReservedMiB;
    private int _outOfOrder;
    private int _grants;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Agent.Runner.Containers.ContainerOpKind, int> _opsWaited = new();

    /// <summary>Containers the runner created and has not removed yet.</summary>
    public int LiveContainers => Volatile.Read(ref _live);

    /// <summary>The most memory the runner reserved at once, in MiB.</summary>
    public long PeakReservedMiB => Volatile.Read(ref _peakReservedMiB);

    public void StateChanged() => driver.Changed();

    public void MemoryReserved(long reservedMiB)
    {
        var peak = Volatile.Read(ref _peakReservedMiB);
        while (reservedMiB > peak && Interlocked.CompareExchange(ref _peakReservedMiB, reservedMiB, peak) != peak)
        {
            peak = Volatile.Read(ref _peakReservedMiB);
        }
    }

    /// <summary>Memory granted to a start while starts of its pool asked before it still waited (the line out of order).</summary>
    public int MemoryGrantsOutOfOrder => Volatile.Read(ref _outOfOrder);

    /// <summary>Memory granted to starts in all.</summary>
    public int MemoryGrants => Volatile.Read(ref _grants);

    public void MemoryGranted(bool asyncPool, int overtaken)
    {
        Interlocked.Increment(ref _grants);
        if (overtaken > 0)
        {
            Interlocked.Increment(ref _outOfOrder);
        }
    }

    public void ContainerAdded() => Interlocked.Increment(ref _live);

    public void ContainerRemoved() => Interlocked.Decrement(ref _live);

    /// <summary>Container operations that waited for a place in the engine operations' limit, by kind.</summary>
    public int OpsWaited(Agent.Runner.Containers.ContainerOpKind kind) => _opsWaited.GetValueOrDefault(kind);

    public void ContainerOpWaiting(Agent.Runner.Containers.ContainerOpKind kind)
    {
        _opsWaited.AddOrUpdate(kind, 1, (_, n) => n + 1);
        driver.Changed();
    }
}
