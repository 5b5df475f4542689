namespace FnSharp.Agent.Resources;

/// <summary>
/// The memory and CPU this node may give to containers: the smallest limit that applies among
/// cgroup v2 <c>memory.max</c>, cgroup v1 <c>memory.limit_in_bytes</c> and <c>/proc/meminfo</c>
/// <c>MemAvailable</c>, minus a headroom, capped by configuration; CPU from the processor count and
/// the CFS quota (v1 and v2), capped by configuration. Fn's agent read memory likewise (cgroup v1 only).
/// </summary>
/// <param name="TotalMemoryMiB">Memory that containers may reserve in total, in MiB.</param>
/// <param name="TotalCpuMilliCpus">CPU of the node, in milli-CPUs (1000 = one core).</param>
public sealed record HostResources(long TotalMemoryMiB, long TotalCpuMilliCpus)
{
    /// <summary>
    /// What bounds <see cref="TotalMemoryMiB"/>, in words for a refusal's message: the setting <c>FN_MAX_TOTAL_MEMORY_BYTES</c>
    /// when its cap is the limit, else the host's limit that applied (the cgroup's, or the available memory) less
    /// <c>FN_MEMORY_HEADROOM_MIB</c> and its value.
    /// </summary>
    public string MemoryBound { get; init; } = "its memory less FN_MEMORY_HEADROOM_MIB";

    /// <summary>The files read by <see cref="Detect"/>, relative to the root file system.</summary>
    public static readonly IReadOnlyList<string> Files =
    [
        "/sys/fs/cgroup/memory.max",
        "/sys/fs/cgroup/memory/memory.limit_in_bytes",
        "/proc/meminfo",
        "/sys/fs/cgroup/cpu.max",
        "/sys/fs/cgroup/cpu/cpu.cfs_quota_us",
        "/sys/fs/cgroup/cpu/cpu.cfs_period_us",
    ];

    /// <summary>Reads the real files of this host (see <see cref="Files"/>).</summary>
    /// <param name="processorCount">The CPUs the process sees (<see cref="Environment.ProcessorCount"/>).</param>
    /// <param name="headroomMiB">Memory kept back for the server and the engine, in MiB.</param>
    /// <param name="maxMemoryBytes">The configured cap (<c>FN_MAX_TOTAL_MEMORY_BYTES</c>), or <see langword="null"/>.</param>
    /// <param name="maxCpuMilliCpus">The configured cap (<c>FN_MAX_TOTAL_CPU_MCPUS</c>), or <see langword="null"/>.</param>
    public static HostResources Detect(int processorCount, long headroomMiB, long? maxMemoryBytes, long? maxCpuMilliCpus) =>
        Compute(ReadOrNull, processorCount, headroomMiB, maxMemoryBytes, maxCpuMilliCpus);

    /// <summary>Computes the resources from file contents returned by <paramref name="readFile"/> (null for a missing file).</summary>
    public static HostResources Compute(Func<string, string?> readFile, int processorCount, long headroomMiB, long? maxMemoryBytes, long? maxCpuMilliCpus)
    {
        ArgumentNullException.ThrowIfNull(readFile);
        long?[] memoryLimits =
        [
            CgroupReader.ParseMemoryMax(readFile(Files[0])),
            CgroupReader.ParseMemoryLimitInBytes(readFile(Files[1])),
            CgroupReader.ParseMemAvailable(readFile(Files[2])),
        ];
        var memoryBytes = memoryLimits.Where(l => l is not null).Select(l => l!.Value).DefaultIfEmpty(long.MaxValue).Min();
        var memoryMiB = memoryBytes == long.MaxValue ? long.MaxValue / (1024 * 1024) : memoryBytes / (1024 * 1024);
        memoryMiB = Math.Max(0, memoryMiB - headroomMiB);
        var bound = $"{MemorySource(memoryLimits, memoryBytes)} less FN_MEMORY_HEADROOM_MIB={headroomMiB}";
        if (maxMemoryBytes is > 0 and var cap && cap / (1024 * 1024) <= memoryMiB)
        {
            memoryMiB = cap / (1024 * 1024);
            bound = $"FN_MAX_TOTAL_MEMORY_BYTES={cap}";
        }

        long?[] cpuLimits =
        [
            processorCount * 1000L,
            CgroupReader.ParseCpuMax(readFile(Files[3])),
            CgroupReader.ParseCfsQuota(readFile(Files[4]), readFile(Files[5])),
            maxCpuMilliCpus is > 0 ? maxCpuMilliCpus : null,
        ];
        var cpu = cpuLimits.Where(l => l is not null).Select(l => l!.Value).Min();
        return new HostResources(memoryMiB, cpu) { MemoryBound = bound };
    }

    /// <summary>Which of the host's limits (in the order of <see cref="Files"/>) is <paramref name="memoryBytes"/>, in words.</summary>
    private static string MemorySource(long?[] limits, long memoryBytes) => Array.IndexOf(limits, (long?)memoryBytes) switch
    {
        0 => "its cgroup's memory.max",
        1 => "its cgroup's memory.limit_in_bytes",
        2 => "its available memory, MemAvailable,",
        _ => "its memory",
    };

    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
