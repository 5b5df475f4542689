namespace FnSharp.Agent.Runner.Eviction;

/// <summary>A container start waiting in the <see cref="MemoryLine"/> for its memory; its place and its outcome are guarded by the line's lock.</summary>
internal sealed class MemoryLineEntry(string slotKey, string fnId, long memoryMiB, bool asyncPool)
{
    /// <summary>The key of the slot queue that asked for the start.</summary>
    public string SlotKey { get; } = slotKey;

    public string FnId { get; } = fnId;

    /// <summary>The memory the container needs, in MiB.</summary>
    public long MemoryMiB { get; } = memoryMiB;

    /// <summary>Whether the reservation counts against the async share.</summary>
    public bool AsyncPool { get; } = asyncPool;

    /// <summary>Its place in the line, or <see langword="null"/> once it left it.</summary>
    public LinkedListNode<MemoryLineEntry>? Node { get; set; }

    /// <summary>
    /// True once its memory is reserved, false when the runner's stop withdrew it. Set under no lock, and its
    /// continuation runs at once on the thread that sets it: the start goes on to its place in the operations
    /// limit before the line grants the next one, so that starts reach the engine in the order asked.
    /// </summary>
    public TaskCompletionSource<bool> Done { get; } = new();
}
