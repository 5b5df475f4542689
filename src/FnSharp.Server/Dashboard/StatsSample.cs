namespace FnSharp.Server.Dashboard;

/// <summary>
/// One second of a fn or of the node: the calls that ended in it and the containers and memory at its end.
/// </summary>
internal sealed record StatsSample
{
    /// <summary>The second, in Unix seconds: the sample covers the second before it.</summary>
    public required long Second { get; init; }

    /// <summary>Calls ended.</summary>
    public long Calls { get; init; }

    /// <summary>Calls that ended other than in success.</summary>
    public long Errors { get; init; }

    /// <summary>Times in a container of the calls that ran; <see langword="null"/> when none did.</summary>
    public SparseLatencies? Execution { get; init; }

    /// <summary>Waits for a container; <see langword="null"/> when none was given one.</summary>
    public SparseLatencies? Wait { get; init; }

    /// <summary>The containers and waiting calls at the end of the second.</summary>
    public ContainerCounts Containers { get; init; }

    /// <summary>Memory reserved by containers at the end of the second, in MiB (the node's only; 0 for a fn).</summary>
    public long ReservedMiB { get; init; }

    /// <summary>
    /// This sample and <paramref name="later"/>, of the same second (the sampler ran twice in one second,
    /// as a late timer does): counts added, containers and memory of the later one.
    /// </summary>
    public StatsSample Merge(StatsSample later) => later with
    {
        Calls = Calls + later.Calls,
        Errors = Errors + later.Errors,
        Execution = Combine(Execution, later.Execution),
        Wait = Combine(Wait, later.Wait),
    };

    private static SparseLatencies? Combine(SparseLatencies? a, SparseLatencies? b)
    {
        if (a is null || b is null)
        {
            return a ?? b;
        }

        Span<long> dense = stackalloc long[LatencyBuckets.Count];
        a.AddTo(dense);
        b.AddTo(dense);
        return SparseLatencies.From(dense);
    }
}
