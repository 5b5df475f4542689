namespace FnSharp.Server.Dashboard;

/// <summary>One fn's live statistics: what its calls reported since the last second, and its last seconds.</summary>
internal sealed class FnSeries(int capacity)
{
    /// <summary>Written by the meter listener, drained each second.</summary>
    public StatsAccumulator Accumulator { get; } = new();

    /// <summary>Its seconds with calls or containers; a second without either has no sample.</summary>
    public StatsRing Ring { get; } = new(capacity);

    /// <summary>The last second with calls or containers, in Unix seconds (sampler only).</summary>
    public long LastActiveSecond { get; set; }
}
