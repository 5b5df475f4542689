namespace FnSharp.Server.Dashboard;

/// <summary>
/// What the runner's meters reported for one fn (or the node) since the sampler last drained it: calls
/// ended, errors, and the durations of execution and of waiting for a container. Written from the meter
/// listener's callbacks, on the call path, so every write is one or two interlocked operations and
/// nothing allocates; drained once a second by <see cref="LiveStats"/>.
/// </summary>
internal sealed class StatsAccumulator
{
    private readonly long[] _execution = new long[LatencyBuckets.Count];
    private readonly long[] _wait = new long[LatencyBuckets.Count];
    private long _calls;
    private long _errors;
    private int _executionTouched;
    private int _waitTouched;

    /// <summary>Counts a call that ended; <paramref name="failed"/> when its status was not a success.</summary>
    public void AddCompleted(bool failed)
    {
        Interlocked.Increment(ref _calls);
        if (failed)
        {
            Interlocked.Increment(ref _errors);
        }
    }

    /// <summary>Counts a call's time in its container, in seconds.</summary>
    public void AddExecution(double seconds)
    {
        Interlocked.Increment(ref _execution[LatencyBuckets.Index(seconds)]);
        Volatile.Write(ref _executionTouched, 1);
    }

    /// <summary>Counts a call's wait for a container, in seconds.</summary>
    public void AddWait(double seconds)
    {
        Interlocked.Increment(ref _wait[LatencyBuckets.Index(seconds)]);
        Volatile.Write(ref _waitTouched, 1);
    }

    /// <summary>
    /// Takes what was counted since the last drain and starts again from zero. A count that races with the
    /// drain lands in this drain or the next, never in neither: each bucket is exchanged with zero, and a
    /// writer marks the histogram touched only after it counted.
    /// </summary>
    public StatsDrain Drain()
    {
        var calls = Interlocked.Exchange(ref _calls, 0);
        var errors = Interlocked.Exchange(ref _errors, 0);
        return new StatsDrain(calls, errors, DrainHistogram(_execution, ref _executionTouched), DrainHistogram(_wait, ref _waitTouched));
    }

    private static SparseLatencies? DrainHistogram(long[] buckets, ref int touched)
    {
        if (Interlocked.Exchange(ref touched, 0) == 0)
        {
            return null;
        }

        Span<long> taken = stackalloc long[LatencyBuckets.Count];
        for (var i = 0; i < buckets.Length; i++)
        {
            taken[i] = buckets[i] == 0 ? 0 : Interlocked.Exchange(ref buckets[i], 0);
        }

        return SparseLatencies.From(taken);
    }
}
