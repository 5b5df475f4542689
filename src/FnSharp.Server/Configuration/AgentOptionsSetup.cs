using FnSharp.Agent.Runner;
using Microsoft.Extensions.Options;

namespace FnSharp.Server.Configuration;

/// <summary>Reads the runner's <see cref="AgentOptions"/> from Fn's flat <c>FN_*</c> configuration keys (checked by <see cref="AgentOptionsValidator"/>).</summary>
internal sealed class AgentOptionsSetup(IConfiguration configuration) : IConfigureOptions<AgentOptions>
{
    public void Configure(AgentOptions options)
    {
        options.MaxTotalMemoryBytes = configuration.GetValue("FN_MAX_TOTAL_MEMORY_BYTES", options.MaxTotalMemoryBytes);
        options.MaxTotalCpuMilliCpus = configuration.GetValue("FN_MAX_TOTAL_CPU_MCPUS", options.MaxTotalCpuMilliCpus);
        options.MemoryHeadroomMiB = configuration.GetValue("FN_MEMORY_HEADROOM_MIB", options.MemoryHeadroomMiB);
        options.AsyncMemoryShare = configuration.GetValue("FN_ASYNC_MEMORY_SHARE", options.AsyncMemoryShare);
        options.MaxWaitMs = configuration.GetValue("FN_MAX_WAIT_MSECS", options.MaxWaitMs);
        options.MaxQueuedPerFn = configuration.GetValue("FN_MAX_QUEUED_PER_FN", options.MaxQueuedPerFn);
        options.MaxQueuedTotal = configuration.GetValue("FN_MAX_QUEUED_TOTAL", options.MaxQueuedTotal);
        options.MaxContainerOps = configuration.GetValue("FN_MAX_CONTAINER_OPS", options.MaxContainerOps);
        options.FreezeIdleMs = configuration.GetValue("FN_FREEZE_IDLE_MSECS", options.FreezeIdleMs);
        options.ShutdownGraceMs = configuration.GetValue("FN_SHUTDOWN_GRACE_MSECS", options.ShutdownGraceMs);
        options.RetryAfterSeconds = configuration.GetValue("FN_RETRY_AFTER_SECS", options.RetryAfterSeconds);
    }
}
