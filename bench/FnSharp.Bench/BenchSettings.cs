namespace FnSharp.Bench;

/// <summary>The run's sizes: the full run (at most about 10 minutes) or <c>--quick</c> (about one minute).</summary>
internal sealed record BenchSettings
{
    /// <summary>The function image of every scenario.</summary>
    public string Image { get; init; } = "fnsharp/testfn:latest";

    /// <summary>The label of the containers the harness starts itself (direct baseline, docker run).</summary>
    public string DirectLabel { get; init; } = "io.fnsharp.bench=direct";

    public bool Quick { get; init; }

    public int WrkSeconds { get; init; } = 10;

    public int ColdRepeats { get; init; } = 5;

    public IReadOnlyList<int> ManyFnCounts { get; init; } = [100, 1000];

    public int ApiFns { get; init; } = 1000;

    public int PressureSeconds { get; init; } = 20;

    public int PressureMemoryMiB { get; init; } = 512;

    /// <summary>Rounds of the call-records scenario (records off, on, off again), per level of connections.</summary>
    public int RecordRounds { get; init; } = 3;

    /// <summary>The levels of connections of the call-records scenario.</summary>
    public IReadOnlyList<int> RecordConnections { get; init; } = [1, 16];

    public static BenchSettings Quickly(string runLabel) => new()
    {
        Quick = true,
        WrkSeconds = 3,
        ColdRepeats = 2,
        ManyFnCounts = [20, 100],
        ApiFns = 100,
        PressureSeconds = 5,
        RecordRounds = 1,
        DirectLabel = runLabel,
    };
}
