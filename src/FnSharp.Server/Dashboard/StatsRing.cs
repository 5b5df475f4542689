namespace FnSharp.Server.Dashboard;

/// <summary>
/// The last <see cref="Capacity"/> one-second samples of a fn or of the node, in a fixed ring: the slot of
/// a second is the second modulo the capacity, so a second's sample is found without a search and an old
/// one is overwritten by the sample a capacity later. Written by the sampler, read by the API; a lock
/// keeps the two apart (neither is on a call's path).
/// </summary>
internal sealed class StatsRing
{
    private readonly StatsSample?[] _slots;
    private readonly Lock _lock = new();

    public StatsRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _slots = new StatsSample?[capacity];
    }

    /// <summary>How many seconds the ring keeps.</summary>
    public int Capacity => _slots.Length;

    /// <summary>Stores <paramref name="sample"/>, merged into the one already there for its second.</summary>
    public void Add(StatsSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        lock (_lock)
        {
            ref var slot = ref _slots[SlotOf(sample.Second)];
            slot = slot is { } existing && existing.Second == sample.Second ? existing.Merge(sample) : sample;
        }
    }

    /// <summary>The sample of <paramref name="second"/> (Unix seconds), or <see langword="null"/> when the ring has none.</summary>
    public StatsSample? Get(long second)
    {
        lock (_lock)
        {
            return _slots[SlotOf(second)] is { } sample && sample.Second == second ? sample : null;
        }
    }

    private int SlotOf(long second) => (int)(((second % _slots.Length) + _slots.Length) % _slots.Length);
}
