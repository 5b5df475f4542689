using FnSharp.Agent.Drivers;
using FnSharp.Agent.Protocol;

namespace FnSharp.Agent.Runner;

/// <summary>
/// A started container of a slot queue with its protocol client and its memory reservation. Its
/// mutable state is guarded by its slot queue's lock, except <see cref="RemoveOnce"/>.
/// </summary>
internal sealed class HotContainer
{
    private Task? _removal;

    public HotContainer(IFnContainer container, SlotQueue owner, long memoryMiB, bool asyncPool)
    {
        Container = container;
        Owner = owner;
        FnId = owner.Fn.Id;
        MemoryMiB = memoryMiB;
        AsyncPool = asyncPool;
    }

    public IFnContainer Container { get; }

    /// <summary>The slot queue the container serves.</summary>
    public SlotQueue Owner { get; }

    public string FnId { get; }

    /// <summary>The memory reserved for the container's life, in MiB.</summary>
    public long MemoryMiB { get; }

    /// <summary>Whether the reservation counts against the async share.</summary>
    public bool AsyncPool { get; }

    public HttpStreamClient? Client { get; set; }

    /// <summary>When the current call was assigned (timestamp of the agent's clock).</summary>
    public long AssignedAt { get; set; }

    /// <summary>Changes each time the container turns idle or busy, so that stale idle timers do nothing.</summary>
    public int IdleEpoch { get; set; }

    public ITimer? IdleTimer { get; set; }

    public ITimer? PauseTimer { get; set; }

    /// <summary>The pause in progress or done since the container turned idle, if any.</summary>
    public Task<bool>? Pause { get; set; }

    public bool IsRemoving => Volatile.Read(ref _removal) is not null;

    /// <summary>Runs <paramref name="remove"/> once; every caller gets the one removal's task. <paramref name="remove"/> never throws.</summary>
    public Task RemoveOnce(Func<HotContainer, Task> remove)
    {
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref _removal, completion.Task, null) is { } existing)
        {
            return existing;
        }

        _ = RunAsync();
        return completion.Task;

        async Task RunAsync()
        {
            try
            {
                await remove(this);
            }
            finally
            {
                completion.SetResult();
            }
        }
    }

    public void StopTimers()
    {
        IdleTimer?.Dispose();
        IdleTimer = null;
        PauseTimer?.Dispose();
        PauseTimer = null;
    }
}
