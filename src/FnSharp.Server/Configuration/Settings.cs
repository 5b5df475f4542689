using System.Globalization;
using FnSharp.Agent.Runner;
using FnSharp.Docker;
using FnSharp.Server.Auth;
using FnSharp.Server.Detached;
using FnSharp.Server.Telemetry;
using FnSharp.Server.Triggers;
using static FnSharp.Server.Configuration.SettingFormats;

namespace FnSharp.Server.Configuration;

/// <summary>
/// Every setting the server reads, one row per key: the key, the option it sets, how its text is read and
/// what a good value is. The binding, the start-up checks and their messages (the key, then the bad value)
/// all come from here, and a test holds <c>docs/configuration.md</c> to exactly these keys. Rows bind in
/// order: a later row may refine what an earlier one set (<c>FN_DISABLE_HARDENING</c> after the hardening's
/// own values).
/// </summary>
internal static class Settings
{
    /// <summary>Records wait this long at most before they are written; a longer wait would only hold them in memory.</summary>
    public const int MaxCallLogWaitMs = 60_000;

    /// <summary>The API, the store and call records (<see cref="ServerOptions"/>).</summary>
    public static readonly SettingGroup<ServerOptions> Server = new()
    {
        { "FN_PORT", o => o.Port, Int("a TCP port from 1 to 65535", v => v is >= 1 and <= 65535) },
        { "FN_LISTEN_ADDRESS", o => o.ListenAddress, ListenAddress },
        { "FN_DB_URL", o => o.DbUrl, DbUrl },
        { "FN_PUBLIC_LB_URL", o => o.PublicLbUrl, HttpUrl },
        { "FN_MAX_REQUEST_SIZE", o => o.MaxRequestSize, Long("a positive number of bytes", v => v >= 1) },
        { "FN_MAX_RESPONSE_SIZE", o => o.MaxResponseSize, Long("a number of bytes (0 for no limit)", v => v >= 0) },
        { "FN_LOOKUP_CACHE_MSECS", o => o.LookupCacheMs, Int("a number of milliseconds (0 turns the cache off)", v => v >= 0) },
        { "FN_NODE_NAME", o => o.NodeName, Text },
        { "FN_MAX_LOG_SIZE_BYTES", o => o.MaxLogSizeBytes, Long("a positive number of bytes", v => v >= 1) },
        { "FN_CALL_MAX_AGE_SECS", o => o.CallMaxAgeSecs, Int("a number of seconds (0 keeps calls forever)", v => v >= 0) },
        { "FN_CALL_LOG_WAIT_MSECS", o => o.CallLogWaitMs, Int($"a number of milliseconds from 0 to {MaxCallLogWaitMs}", v => v is >= 0 and <= MaxCallLogWaitMs) },
        { "FN_CALL_RECORDS", o => o.CallRecords, Bool },
    };

    /// <summary>The runner (<see cref="AgentOptions"/>).</summary>
    public static readonly SettingGroup<AgentOptions> Agent = new()
    {
        { "FN_MAX_TOTAL_MEMORY_BYTES", o => o.MaxTotalMemoryBytes, OptionalLong("a positive number of bytes (or 0 for no cap)", v => v >= 0) },
        { "FN_MAX_TOTAL_CPU_MCPUS", o => o.MaxTotalCpuMilliCpus, OptionalLong("a positive number of milli-CPUs (or 0 for no cap)", v => v >= 0) },
        { "FN_MEMORY_HEADROOM_MIB", o => o.MemoryHeadroomMiB, Long("0 or more MiB", v => v >= 0) },
        { "FN_ASYNC_MEMORY_SHARE", o => o.AsyncMemoryShare, Double("between 0 and 1", v => v is >= 0 and <= 1) },
        { "FN_MAX_WAIT_MSECS", o => o.MaxWaitMs, Int("0 or more milliseconds", v => v >= 0) },
        { "FN_MAX_QUEUED_PER_FN", o => o.MaxQueuedPerFn, Int("0 or more calls", v => v >= 0) },
        { "FN_MAX_QUEUED_TOTAL", o => o.MaxQueuedTotal, Int("0 or more calls", v => v >= 0) },
        { "FN_MAX_CONTAINER_OPS", o => o.MaxContainerOps, Int("at least 1", v => v >= 1) },
        { "FN_FREEZE_IDLE_MSECS", o => o.FreezeIdleMs, Int("a number of milliseconds (0 pauses at once, a negative number never)", _ => true) },
        { "FN_SHUTDOWN_GRACE_MSECS", o => o.ShutdownGraceMs, Int("0 or more milliseconds", v => v >= 0) },
        { "FN_RETRY_AFTER_SECS", o => o.RetryAfterSeconds, Int("at least 1 second", v => v >= 1) },
    };

    /// <summary>The Docker driver (<see cref="DockerDriverOptions"/>, its hardening included).</summary>
    public static readonly SettingGroup<DockerDriverOptions> Docker = new()
    {
        { "FN_DOCKER_HOST", o => o.Endpoint, EngineAddress },
        { "FN_NODE_NAME", o => o.Node, Text },
        { "FN_HOT_START_TIMEOUT_MSECS", o => o.HotStartTimeoutMs, Int("a positive number of milliseconds", v => v >= 1) },
        { "FN_DOCKER_NETWORKS", o => o.Network, DockerNetworks },
        { "FN_DOCKER_USER", o => o.Hardening.User, OptionalText },
        { "FN_MAX_PIDS", o => o.Hardening.PidsLimit, Long("0 (no limit) or a positive number of processes", v => v >= 0) },
        { "FN_TMPFS_SIZE_MB", o => o.Hardening.TmpfsSizeMiB, Int("0 (no tmpfs) or a positive number of MiB", v => v >= 0) },
        { "FN_DOCKER_PULL_TIMEOUT_MSECS", o => o.PullTimeoutMs, Int("a positive number of milliseconds", v => v >= 1) },
        { "FN_DOCKER_PULL_FAILURE_CACHE_MSECS", o => o.PullFailureCacheMs, Int("0 or more milliseconds", v => v >= 0) },

        // After the hardening's values, which they turn off.
        { "FN_DISABLE_HARDENING", o => o.Hardening, HardeningParts, (hardening, parts) => hardening.Without(parts) },
        { "FN_DISABLE_READONLY_ROOTFS", o => o.Hardening, Bool, (hardening, off) => off ? hardening.Without(["readonly"]) : hardening },
    };

    /// <summary>The worker of detached calls (<see cref="DetachedCallOptions"/>).</summary>
    public static readonly SettingGroup<DetachedCallOptions> Detached = new()
    {
        { "FN_ASYNC_MAX_CONCURRENT", o => o.MaxConcurrent, Int($"a number of calls from 0 (the worker off) to {DetachedCallOptions.MaxConcurrentLimit}", v => v is >= 0 and <= DetachedCallOptions.MaxConcurrentLimit) },
        { "FN_ASYNC_POLL_MSECS", o => o.PollMs, Int("a positive number of milliseconds", v => v >= 1) },
        { "FN_ASYNC_MAX_EVENT_AGE_SECS", o => o.MaxEventAgeSeconds, Int("a positive number of seconds", v => v >= 1) },
        { "FN_ASYNC_RETRY_BASE_MSECS", o => o.RetryBaseMs, Int("a positive number of milliseconds", v => v >= 1) },
        {
            "FN_ASYNC_RETRY_MAX_MSECS", o => o.RetryMaxMs, Int("a number of milliseconds, at least FN_ASYNC_RETRY_BASE_MSECS", _ => true),
            o => o.RetryMaxMs >= o.RetryBaseMs ? null : string.Create(CultureInfo.InvariantCulture, $"must be at least FN_ASYNC_RETRY_BASE_MSECS ({o.RetryBaseMs}) milliseconds, not {o.RetryMaxMs}.")
        },
        { "FN_ASYNC_LEASE_MSECS", o => o.LeaseMs, Int("at least 3000 milliseconds (leases are renewed every third of it)", v => v >= 3000) },
    };

    /// <summary>Cron and NATS triggers (<see cref="TriggerOptions"/>).</summary>
    public static readonly SettingGroup<TriggerOptions> Triggers = new()
    {
        { "FN_CRON_POLL_MSECS", o => o.CronPollMs, Int("a number of milliseconds (0 turns cron triggers off on this node)", v => v >= 0) },
    };

    /// <summary>API keys, rate limits, allowed images and the audit log (<see cref="AuthOptions"/>).</summary>
    public static readonly SettingGroup<AuthOptions> Auth = new()
    {
        { "FN_AUTH", o => o.Mode, AuthModeName },
        { "FN_ADMIN_TOKEN", o => o.AdminToken, AdminToken },
        { "FN_ALLOWED_IMAGES", o => o.AllowedImages, ImagePatterns },
        { "FN_KEY_REQUESTS_PER_SEC", o => o.KeyRequestsPerSecond, Int($"a number of requests per second from 0 (no limit) to {AuthOptions.MaxPerSecond}", v => v is >= 0 and <= AuthOptions.MaxPerSecond) },
        { "FN_APP_CALLS_PER_SEC", o => o.AppCallsPerSecond, Int($"a number of calls per second from 0 (no limit) to {AuthOptions.MaxPerSecond}", v => v is >= 0 and <= AuthOptions.MaxPerSecond) },
        { "FN_AUDIT_MAX_AGE_SECS", o => o.AuditMaxAgeSecs, Int("a number of seconds (0 keeps the audit log forever)", v => v >= 0) },
    };

    /// <summary>Logs and traces (<see cref="TelemetryOptions"/>); the <c>OTEL_*</c> keys are OpenTelemetry's own, read by its exporter too.</summary>
    public static readonly SettingGroup<TelemetryOptions> Telemetry = new()
    {
        { "FN_LOG_FORMAT", o => o.JsonLogs, LogFormat },
        { "FN_LOG_LEVEL", o => o.MinimumLevel, LogLevelName },
        { "OTEL_EXPORTER_OTLP_ENDPOINT", o => o.OtlpEndpoint, OptionalText },
        { "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", o => o.OtlpTracesEndpoint, OptionalText },
        { "OTEL_TRACES_EXPORTER", o => o.TracesExporter, Of<string?>(text => SettingValue<string?>.Of(text.Trim().ToLowerInvariant())) },
        { "OTEL_SERVICE_NAME", o => o.ServiceName, OptionalText },
    };

    /// <summary>Every key, once each, in the order of the groups.</summary>
    public static IEnumerable<string> Keys =>
        Server.Keys.Concat(Agent.Keys).Concat(Docker.Keys).Concat(Detached.Keys).Concat(Triggers.Keys).Concat(Auth.Keys).Concat(Telemetry.Keys).Distinct(StringComparer.Ordinal);
}
