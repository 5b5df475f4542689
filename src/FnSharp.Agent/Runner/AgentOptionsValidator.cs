using System.Globalization;
using Microsoft.Extensions.Options;

namespace FnSharp.Agent.Runner;

/// <summary>Checks <see cref="AgentOptions"/> at start-up; each message names the <c>FN_*</c> setting and the bad value.</summary>
public sealed class AgentOptionsValidator : IValidateOptions<AgentOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void Check(bool ok, FormattableString message)
        {
            if (!ok)
            {
                failures.Add(message.ToString(CultureInfo.InvariantCulture));
            }
        }

        Check(options.MaxTotalMemoryBytes is null or >= 0, $"FN_MAX_TOTAL_MEMORY_BYTES must be a positive number of bytes (or 0 for no cap), not {options.MaxTotalMemoryBytes}.");
        Check(options.MaxTotalCpuMilliCpus is null or >= 0, $"FN_MAX_TOTAL_CPU_MCPUS must be a positive number of milli-CPUs (or 0 for no cap), not {options.MaxTotalCpuMilliCpus}.");
        Check(options.MemoryHeadroomMiB >= 0, $"FN_MEMORY_HEADROOM_MIB must be 0 or more MiB, not {options.MemoryHeadroomMiB}.");
        Check(options.AsyncMemoryShare is >= 0 and <= 1, $"FN_ASYNC_MEMORY_SHARE must be between 0 and 1, not {options.AsyncMemoryShare}.");
        Check(options.MaxWaitMs >= 0, $"FN_MAX_WAIT_MSECS must be 0 or more milliseconds, not {options.MaxWaitMs}.");
        Check(options.MaxQueuedPerFn >= 0, $"FN_MAX_QUEUED_PER_FN must be 0 or more calls, not {options.MaxQueuedPerFn}.");
        Check(options.MaxQueuedTotal >= 0, $"FN_MAX_QUEUED_TOTAL must be 0 or more calls, not {options.MaxQueuedTotal}.");
        Check(options.MaxContainerOps >= 1, $"FN_MAX_CONTAINER_OPS must be at least 1, not {options.MaxContainerOps}.");
        Check(options.ShutdownGraceMs >= 0, $"FN_SHUTDOWN_GRACE_MSECS must be 0 or more milliseconds, not {options.ShutdownGraceMs}.");
        Check(options.RetryAfterSeconds >= 1, $"FN_RETRY_AFTER_SECS must be at least 1 second, not {options.RetryAfterSeconds}.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
