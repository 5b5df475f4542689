using Microsoft.Extensions.Logging;

namespace FnSharp.Agent.Runner;

public sealed partial class RunnerAgent
{
    // Event ids 2000-2099 belong to the agent: 2020-2039 to the agent as a whole (2021 the evictor's, 2022 a removal's).
    [LoggerMessage(2020, LogLevel.Information, "Runner ready: {TotalMemoryMiB} MiB for containers, {MilliCpus} milli-CPUs, at most {MaxOps} container operations at once")]
    private static partial void LogResources(ILogger logger, long totalMemoryMiB, long milliCpus, int maxOps);

    [LoggerMessage(2023, LogLevel.Information, "Runner stopping: {Running} call(s) running, {Containers} container(s)")]
    private static partial void LogShuttingDown(ILogger logger, int running, int containers);

    [LoggerMessage(2024, LogLevel.Warning, "Shutdown grace period over with {Running} call(s) still running; their containers are killed")]
    private static partial void LogGraceOver(ILogger logger, int running);

    [LoggerMessage(2025, LogLevel.Information, "Runner stopped; removed {Count} container(s)")]
    private static partial void LogShutDown(ILogger logger, int count);
}
