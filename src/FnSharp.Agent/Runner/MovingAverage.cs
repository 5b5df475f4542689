namespace FnSharp.Agent.Runner;

/// <summary>An exponentially weighted moving average; not thread-safe (its owner's lock guards it).</summary>
internal sealed class MovingAverage
{
    // Weight of the newest sample: recent behaviour counts most, one outlier does not swing it.
    private const double Alpha = 0.3;

    /// <summary>The average, or <see langword="null"/> before the first sample.</summary>
    public double? Value { get; private set; }

    public void Add(double sample) => Value = Value is { } value ? value + (Alpha * (sample - value)) : sample;
}
