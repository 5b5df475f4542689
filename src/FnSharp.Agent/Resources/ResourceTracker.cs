namespace FnSharp.Agent.Resources;

/// <summary>
/// Memory reservations of containers (Fn's <c>ResourceTracker</c>). Each container reserves its
/// fn's memory for its whole life. Containers started for async calls may together reserve only
/// <c>asyncShare</c> of the total, so synchronous calls always have room. Thread-safe.
/// </summary>
internal sealed class ResourceTracker
{
    private readonly Lock _lock = new();
    private long _reservedMiB;
    private long _asyncReservedMiB;
    private readonly Action<long>? _reserved;

    /// <summary>Creates the tracker of <paramref name="resources"/>.</summary>
    /// <param name="resources">The node's memory and CPU.</param>
    /// <param name="asyncShare">The share of the memory containers of async calls may reserve, from 0 to 1.</param>
    /// <param name="reserved">Hears each reservation, with the memory reserved then (this one included), in MiB; called outside the tracker's lock.</param>
    public ResourceTracker(HostResources resources, double asyncShare, Action<long>? reserved = null)
    {
        _reserved = reserved;
        TotalMemoryMiB = resources.TotalMemoryMiB;
        TotalCpuMilliCpus = resources.TotalCpuMilliCpus;
        AsyncMemoryMiB = (long)(resources.TotalMemoryMiB * asyncShare);
        MemoryBound = resources.MemoryBound;
    }

    /// <summary>What bounds <see cref="TotalMemoryMiB"/>, in words (<see cref="HostResources.MemoryBound"/>).</summary>
    public string MemoryBound { get; }

    /// <summary>Memory containers may reserve in total, in MiB.</summary>
    public long TotalMemoryMiB { get; }

    /// <summary>Memory containers of async calls may reserve in total, in MiB.</summary>
    public long AsyncMemoryMiB { get; }

    /// <summary>The node's CPU, in milli-CPUs.</summary>
    public long TotalCpuMilliCpus { get; }

    /// <summary>Memory reserved now, in MiB.</summary>
    public long ReservedMiB
    {
        get
        {
            lock (_lock)
            {
                return _reservedMiB;
            }
        }
    }

    /// <summary>Whether a container of <paramref name="memoryMiB"/> could ever be reserved on this node.</summary>
    public bool CanEverFit(long memoryMiB, bool isAsync) => memoryMiB <= (isAsync ? AsyncMemoryMiB : TotalMemoryMiB);

    /// <summary>
    /// Free memory now, read at once: in total, and within the async share (an async reservation needs
    /// room in both; either may be the smaller), in MiB.
    /// </summary>
    public (long TotalMiB, long AsyncShareMiB) Free()
    {
        lock (_lock)
        {
            return (TotalMemoryMiB - _reservedMiB, AsyncMemoryMiB - _asyncReservedMiB);
        }
    }

    /// <summary>Reserves <paramref name="memoryMiB"/> if it fits; returns whether it did.</summary>
    public bool TryReserve(long memoryMiB, bool isAsync)
    {
        long reserved;
        lock (_lock)
        {
            if (_reservedMiB + memoryMiB > TotalMemoryMiB || (isAsync && _asyncReservedMiB + memoryMiB > AsyncMemoryMiB))
            {
                return false;
            }

            _reservedMiB += memoryMiB;
            if (isAsync)
            {
                _asyncReservedMiB += memoryMiB;
            }

            reserved = _reservedMiB;
        }

        _reserved?.Invoke(reserved);
        return true;
    }

    /// <summary>Gives back a reservation made by <see cref="TryReserve"/>.</summary>
    public void Release(long memoryMiB, bool isAsync)
    {
        lock (_lock)
        {
            _reservedMiB -= memoryMiB;
            if (isAsync)
            {
                _asyncReservedMiB -= memoryMiB;
            }
        }
    }
}
