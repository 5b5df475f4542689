using System.Globalization;
using FnSharp.Agent.Runner;
using FnSharp.Core.Registries;
using FnSharp.Docker;
using FnSharp.Docker.Runc;
using FnSharp.Server.Cluster;
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

    /// <summary>The longest <c>FN_IMAGE_PULL_TIMEOUT_SECS</c>, so that it fits in milliseconds.</summary>
    public const int MaxPullTimeoutSecs = 2_000_000;

    // The bounds of the edge's limits: Kestrel's request buffer (1 MiB) holds the request line and the
    // headers, and it refuses at start a limit larger than that; a request line must hold at least a
    // method, a short URL and the version; below 100 ms a timeout would cut ordinary clients, above
    // 10 minutes it protects nothing.
    private const int MinHeaderBytes = 1024;
    private const int MaxHeaderBytes = 1024 * 1024;
    private const int MaxHeaderCount = 10_000;
    private const int MinRequestLineBytes = 256;
    private const int MinEdgeTimeoutMs = 100;
    private const int MaxEdgeTimeoutMs = 600_000;

    /// <summary>The API, the store, call records and the limits every request meets (<see cref="ServerOptions"/>).</summary>
    public static readonly SettingGroup<ServerOptions> Server = new()
    {
        { "FN_PORT", o => o.Port, Int("a TCP port from 1 to 65535", v => v is >= 1 and <= 65535) },
        { "FN_LISTEN_ADDRESS", o => o.ListenAddress, ListenAddress },
        { "FN_DB_URL", o => o.DbUrl, DbUrl },
        { "FN_PUBLIC_LB_URL", o => o.PublicLbUrl, HttpUrl },
        { "FN_MAX_REQUEST_SIZE", o => o.MaxRequestSize, Long("a positive number of bytes", v => v >= 1) },
        { "FN_MAX_RESPONSE_SIZE", o => o.MaxResponseSize, Long("a number of bytes (0 for no limit)", v => v >= 0) },
        { "FN_RESPONSE_HOLD_BACK_BYTES", o => o.ResponseHoldBackBytes, Int("a number of bytes from 0 to 268435456 (256 MiB)", v => v is >= 0 and <= 256 * 1024 * 1024) },
        { "FN_LOOKUP_CACHE_MSECS", o => o.LookupCacheMs, Int("a number of milliseconds (0 turns the cache off)", v => v >= 0) },
        { "FN_NODE_NAME", o => o.NodeName, Text },
        { "FN_MAX_LOG_SIZE_BYTES", o => o.MaxLogSizeBytes, Long("a positive number of bytes", v => v >= 1) },
        { "FN_CALL_MAX_AGE_SECS", o => o.CallMaxAgeSecs, Int("a number of seconds (0 keeps calls forever)", v => v >= 0) },
        { "FN_CALL_LOG_WAIT_MSECS", o => o.CallLogWaitMs, Int($"a number of milliseconds from 0 to {MaxCallLogWaitMs}", v => v is >= 0 and <= MaxCallLogWaitMs) },
        { "FN_CALL_RECORDS", o => o.CallRecords, Bool },
        { "FN_IMAGE_CLEAN_INTERVAL_SECS", o => o.ImageCleanIntervalSecs, Int("a positive number of seconds", v => v >= 1) },
        { "FN_MAX_REQUEST_HEADERS_SIZE", o => o.MaxRequestHeadersSize, Int($"a number of bytes from {MinHeaderBytes} to {MaxHeaderBytes}", v => v is >= MinHeaderBytes and <= MaxHeaderBytes) },
        { "FN_MAX_REQUEST_HEADER_COUNT", o => o.MaxRequestHeaderCount, Int($"a number of headers from 1 to {MaxHeaderCount}", v => v is >= 1 and <= MaxHeaderCount) },
        { "FN_MAX_REQUEST_LINE_SIZE", o => o.MaxRequestLineSize, Int($"a number of bytes from {MinRequestLineBytes} to {MaxHeaderBytes}", v => v is >= MinRequestLineBytes and <= MaxHeaderBytes) },
        { "FN_REQUEST_HEADERS_TIMEOUT_MSECS", o => o.RequestHeadersTimeoutMs, Int($"a number of milliseconds from {MinEdgeTimeoutMs} to {MaxEdgeTimeoutMs}", v => v is >= MinEdgeTimeoutMs and <= MaxEdgeTimeoutMs) },
        { "FN_REQUEST_BODY_TIMEOUT_MSECS", o => o.RequestBodyTimeoutMs, Int($"a number of milliseconds from {MinEdgeTimeoutMs} to {MaxEdgeTimeoutMs}", v => v is >= MinEdgeTimeoutMs and <= MaxEdgeTimeoutMs) },
        { "FN_MIN_REQUEST_BODY_RATE", o => o.MinRequestBodyRate, Int("a number of bytes per second (0: one byte per FN_REQUEST_BODY_TIMEOUT_MSECS is enough)", v => v >= 0) },
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
        { "FN_FREEZE_CPU_MSECS", o => o.FreezeCpuMs, Double("0 or more milliseconds of CPU", v => v >= 0) },
        { "FN_SHUTDOWN_GRACE_MSECS", o => o.ShutdownGraceMs, Int("0 or more milliseconds", v => v >= 0) },
        { "FN_RETRY_AFTER_SECS", o => o.RetryAfterSeconds, Int("at least 1 second", v => v >= 1) },
        { "FN_KEEPALIVE_POLICY", o => o.KeepAlivePolicy, KeepAlivePolicyName },
        { "FN_KEEPALIVE_COLD_START_GIB_SECS", o => o.KeepAliveColdStartGiBSeconds, Double("a positive number of GiB-seconds", v => v > 0) },
        { "FN_PRECREATE_MAX", o => o.PreCreateMax, Int("0 (off) or more containers", v => v >= 0) },
        { "FN_PRECREATE_IDLE_MSECS", o => o.PreCreateIdleMs, Int("at least 1000 milliseconds", v => v >= 1000) },
    };

    /// <summary>The Docker driver (<see cref="DockerDriverOptions"/>, its hardening included).</summary>
    public static readonly SettingGroup<DockerDriverOptions> Docker = new()
    {
        { "FN_DOCKER_HOST", o => o.Endpoint, EngineAddress },
        { "FN_NODE_NAME", o => o.Node, Text },
        { SocketDirectories.Setting, o => o.IofsRoot, IofsPath },
        { "FN_HOT_START_TIMEOUT_MSECS", o => o.HotStartTimeoutMs, Int("a positive number of milliseconds", v => v >= 1) },
        { "FN_DOCKER_API_TIMEOUT_MSECS", o => o.ApiTimeoutMs, Int("a positive number of milliseconds", v => v >= 1) },
        { "FN_DOCKER_NETWORKS", o => o.Network, DockerNetworks },
        { "FN_DOCKER_USER", o => o.Hardening.User, OptionalText },
        { "FN_MAX_PIDS", o => o.Hardening.PidsLimit, Long("0 (no limit) or a positive number of processes", v => v >= 0) },
        { "FN_TMPFS_SIZE_MB", o => o.Hardening.TmpfsSizeMiB, Int("0 (no tmpfs) or a positive number of MiB", v => v >= 0) },
        { "FN_IMAGE_PULL_TIMEOUT_SECS", o => o.PullTimeoutMs, Int($"a positive number of seconds, at most {MaxPullTimeoutSecs}", v => v is >= 1 and <= MaxPullTimeoutSecs), (_, secs) => secs * 1000 },
        { "FN_DOCKER_PULL_FAILURE_CACHE_MSECS", o => o.PullFailureCacheMs, Int("0 or more milliseconds", v => v >= 0) },
        { "FN_IMAGE_PULL_ALWAYS_CACHE_MSECS", o => o.PullAlwaysCacheMs, Int("0 or more milliseconds", v => v >= 0) },

        // The node's own registry credentials, one registry's; the checks name what is missing, never a secret.
        { "FN_REGISTRY_HOST", o => o.RegistryCredential, RegistryHost, (c, host) => NodeCredential(c) with { Registry = host }, o => RegistryProblem("FN_REGISTRY_HOST", o.RegistryCredential) },
        { "FN_REGISTRY_USERNAME", o => o.RegistryCredential, Text, (c, user) => NodeCredential(c) with { Username = user }, o => RegistryProblem("FN_REGISTRY_USERNAME", o.RegistryCredential) },
        { "FN_REGISTRY_PASSWORD", o => o.RegistryCredential, Text, (c, password) => NodeCredential(c) with { Password = password }, o => RegistryProblem("FN_REGISTRY_PASSWORD", o.RegistryCredential) },
        { "FN_REGISTRY_TOKEN", o => o.RegistryCredential, Text, (c, token) => NodeCredential(c) with { RegistryToken = token }, o => RegistryProblem("FN_REGISTRY_TOKEN", o.RegistryCredential) },
        { "FN_DOCKER_AUTH", o => o.DockerAuthJson, DockerConfigJson },
        { "DOCKER_CONFIG", o => o.DockerConfigPath, Text, (_, directory) => DockerConfigFile.PathFor(directory) },
        { "FN_IMAGE_CLEAN_MAX_SIZE", o => o.ImageCleanMaxBytes, Long("0 (no clean-up) or a positive number of bytes", v => v >= 0) },
        { "FN_IMAGE_CLEAN_MIN_AGE_SECS", o => o.ImageCleanMinAgeMs, Long("0 or more seconds", v => v is >= 0 and <= int.MaxValue), (_, secs) => secs * 1000 },

        // After the hardening's values, which they turn off.
        { "FN_DISABLE_HARDENING", o => o.Hardening, HardeningParts, (hardening, parts) => hardening.Without(parts) },
        { "FN_DISABLE_READONLY_ROOTFS", o => o.Hardening, Bool, (hardening, off) => off ? hardening.Without(["readonly"]) : hardening },
    };

    /// <summary>The choice of driver and the runc driver's own settings (<see cref="RuncDriverOptions"/>); the rest of its settings are the Docker driver's.</summary>
    public static readonly SettingGroup<RuncDriverOptions> Runc = new()
    {
        { "FN_DRIVER", o => o.Driver, DriverName, o => o.Problem() },
        { "FN_RUNC_PATH", o => o.RuncPath, Text },
        { "FN_RUNC_STATE_DIR", o => o.StateDir, Text },
        { "FN_RUNC_INIT_PATH", o => o.InitPath, Text },
        { "FN_RUNC_SUBNET", o => o.Subnet, Text },

        // Read here too, never failing (the Docker group reports a bad value): the runc driver refuses a writable root,
        // since an image's root filesystem is shared; FN_DRIVER's check says so.
        { "FN_DISABLE_HARDENING", o => o.WritableRootAsked, Of(text => SettingValue<bool>.Of(text.Split(',').Select(p => p.Trim().ToLowerInvariant()).Any(p => p is "readonly" or "all"))), (asked, off) => asked || off },
        { "FN_DISABLE_READONLY_ROOTFS", o => o.WritableRootAsked, Of(text => SettingValue<bool>.Of(bool.TryParse(text, out var off) && off)), (asked, off) => asked || off },
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

    /// <summary>Cluster membership (<see cref="ClusterOptions"/>).</summary>
    public static readonly SettingGroup<ClusterOptions> Cluster = new()
    {
        { "FN_NODE_TYPE", o => o.NodeType, NodeTypeName },
        { "FN_NODE_URL", o => o.Url, NodeUrl },
        { "FN_NODE_HEARTBEAT_MSECS", o => o.HeartbeatMs, Int("a number of milliseconds from 100 to 600000", v => v is >= 100 and <= 600_000) },
        {
            "FN_NODE_FORGET_SECS", o => o.ForgetSecs, Int("a number of seconds of at least three heartbeats", v => v >= 1),
            o => o.ForgetSecs * 1000.0 >= 3.0 * o.HeartbeatMs ? null : string.Create(CultureInfo.InvariantCulture, $"must be a number of seconds of at least three heartbeats (FN_NODE_HEARTBEAT_MSECS={o.HeartbeatMs}), not {o.ForgetSecs}.")
        },
    };

    /// <summary>Cron and NATS triggers (<see cref="TriggerOptions"/>).</summary>
    public static readonly SettingGroup<TriggerOptions> Triggers = new()
    {
        { "FN_CRON_POLL_MSECS", o => o.CronPollMs, Int("a number of milliseconds (0 turns cron triggers off on this node)", v => v >= 0) },
        { "FN_NATS_URL", o => o.NatsUrl, NatsUrls },
        { "FN_NATS_POLL_MSECS", o => o.NatsPollMs, Int("a number of milliseconds from 100 to 600000", v => v is >= 100 and <= 600_000) },
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
        Server.Keys.Concat(Agent.Keys).Concat(Docker.Keys).Concat(Runc.Keys).Concat(Detached.Keys).Concat(Cluster.Keys).Concat(Triggers.Keys).Concat(Auth.Keys).Concat(Telemetry.Keys).Distinct(StringComparer.Ordinal);

    private static RegistryCredential NodeCredential(RegistryCredential? credential) =>
        credential ?? new RegistryCredential { Registry = "", Source = DockerDriverOptions.RegistrySettingsSource };

    /// <summary>What is wrong with the node's registry credentials, said after <paramref name="key"/>: each key names its own part.</summary>
    private static string? RegistryProblem(string key, RegistryCredential? credential)
    {
        if (credential is null)
        {
            return null;
        }

        var user = credential.Username is { Length: > 0 };
        var password = credential.Password is { Length: > 0 };
        var token = credential.RegistryToken is { Length: > 0 };
        var host = credential.Registry.Length > 0;
        return key switch
        {
            "FN_REGISTRY_HOST" when host && !user && !token => $"is '{credential.Registry}' without credentials: add FN_REGISTRY_USERNAME and FN_REGISTRY_PASSWORD, or FN_REGISTRY_TOKEN.",
            "FN_REGISTRY_USERNAME" when user && !password && !token => "is set without FN_REGISTRY_PASSWORD: set both (or FN_REGISTRY_TOKEN alone).",
            "FN_REGISTRY_PASSWORD" when password && !user => "is set without FN_REGISTRY_USERNAME: set both (or FN_REGISTRY_TOKEN alone).",
            "FN_REGISTRY_TOKEN" when token && user => "and FN_REGISTRY_USERNAME are both set: use a token, or a user and password.",
            "FN_REGISTRY_USERNAME" when user && !host => "needs FN_REGISTRY_HOST, the registry it is for (HOST[:PORT], for example registry.example.com:5000).",
            "FN_REGISTRY_TOKEN" when token && !host => "needs FN_REGISTRY_HOST, the registry it is for (HOST[:PORT], for example registry.example.com:5000).",
            _ => null,
        };
    }
}
