using FnSharp.Core.Secrets;
namespace FnSharp.Server.Configuration;

/// <summary>
/// Fn's settings that FnSharp does not honour, with what it does instead, so that a Fn operator's environment is not
/// ignored unsaid: the server logs one warning per such key that is set (<see cref="Hosting.FnOnlySettingsStartup"/>),
/// naming it, its value and this text. The keys are Fn's server and agent options (<c>api/server/server.go</c>,
/// <c>api/agent/config.go</c>, <c>api/datastore/sql/sql.go</c>) that <see cref="Settings"/> does not read; <c>FN_NODE_TYPE</c> is read there, and its
/// <c>api</c> and <c>lb</c> are said here. <c>docs/configuration.md</c> lists them.
/// </summary>
internal static class FnOnlySettings
{
    private const string Cluster = "FnSharp runs every node as a full node (see docs/cluster.md)";
    private const string Ulimits = "FnSharp's containers get fixed limits (nofile 350, memlock 65536, sigpending 5000, msgqueue 819200), which FN_DISABLE_HARDENING=ulimits removes";
    private const string Prefork = "FnSharp has no pre-forked network containers; FN_PRECREATE_MAX creates a fn's containers ahead of its calls";
    private const string Iofs = "FnSharp mounts no tmpfs for the containers' sockets: each container's socket directory is a directory under FN_IOFS_PATH";

    // A value is shown whole up to this length.
    private const int MaxShownChars = 100;

    /// <summary>Each key, and what the server says after <c>KEY=VALUE</c> when it is set (<see langword="null"/>: nothing, the value is FnSharp's own).</summary>
    private static readonly IReadOnlyList<(string Key, Func<string, string?> Explain)> Rows =
    [
        ("FN_NODE_TYPE", value => value.Trim().ToLowerInvariant() is "api" or "lb"
            ? $"is Fn's split into API, runner and load-balancer nodes; {Cluster}"
            : null),
        ("FN_DS_DB_PING_MAX_RETRIES", _ => "is ignored: FnSharp tries the store once at start-up and exits with code 2 when it cannot open it (a restart policy retries)"),
        ("FN_RUNNER_API_URL", _ => $"is ignored: it is the API node of Fn's runner nodes; {Cluster}"),
        ("FN_RUNNER_ADDRESSES", _ => $"is ignored: it is the runners of Fn's load-balancer node; {Cluster}"),
        ("FN_PLACER", _ => $"is ignored: it is the placement of Fn's load-balancer node; {Cluster}, and HAProxy sends each fn to a node by consistent hashing with bounded load"),
        ("FN_GRPC_PORT", _ => $"is ignored: FnSharp has no gRPC runner protocol; {Cluster}"),
        ("FN_LOG_DEST", _ => "is ignored: FnSharp writes its log to stderr only (FN_LOG_FORMAT=json for a collector), and a call's output to its call's log"),
        ("FN_LOG_PREFIX", _ => "is ignored: FnSharp's log lines have no prefix (FN_LOG_FORMAT=json gives each field by name)"),
        ("FN_ZIPKIN_URL", _ => "is ignored: FnSharp exports traces over OTLP only (OTEL_EXPORTER_OTLP_ENDPOINT; Zipkin through an OpenTelemetry collector)"),
        ("FN_JAEGER_URL", _ => "is ignored: FnSharp exports traces over OTLP only (OTEL_EXPORTER_OTLP_ENDPOINT; Jaeger takes OTLP)"),
        ("FN_PROCESS_COLLECTOR_LIST", _ => "is ignored: FnSharp's /metrics has no metrics of other processes"),
        ("FN_RID_HEADER", _ => "is ignored: FnSharp reads no request-id header; each call is named by its Fn-Call-Id"),
        ("FN_API_CORS_ORIGINS", _ => "is ignored: FnSharp's API sends no CORS headers (a proxy in front can add them)"),
        ("FN_API_CORS_HEADERS", _ => "is ignored: FnSharp's API sends no CORS headers (a proxy in front can add them)"),
        ("FN_MAX_REQUEST_HEADER_SIZE", _ => "is ignored: FnSharp's limit of a request's headers is FN_MAX_REQUEST_HEADERS_SIZE, in bytes"),
        ("FN_REQUEST_HEADER_READ_TIMEOUT", _ => "is ignored: FnSharp's is FN_REQUEST_HEADERS_TIMEOUT_MSECS, in milliseconds"),
        ("FN_REQUEST_BODY_READ_TIMEOUT", _ => "is ignored: FnSharp's is FN_REQUEST_BODY_TIMEOUT_MSECS, in milliseconds of waiting for the body's bytes"),
        ("FN_RESPONSE_WRITE_TIMEOUT", _ => "is ignored: FnSharp bounds the writing of an answer by Kestrel's pace (240 bytes per second after 5 s), not a time"),
        ("FN_HTTP_IDLE_TIMEOUT", _ => "is ignored: FnSharp keeps an idle connection for Kestrel's 130 s"),
        ("FN_HOT_POLL_MSECS", _ => "is ignored: FnSharp's runner does not poll; a container started or given back goes to the call waiting longest at once"),
        ("FN_HOT_LAUNCHER_TIMEOUT_MSECS", _ => "is ignored: how long a call waits for a container is FN_MAX_WAIT_MSECS"),
        ("FN_HOT_PULL_TIMEOUT_MSECS", _ => "is ignored: FnSharp's is FN_IMAGE_PULL_TIMEOUT_SECS, in seconds"),
        ("FN_MAX_FS_SIZE_MB", _ => "is ignored: FnSharp sets no size of a container's filesystem; its root is read-only and /tmp is a tmpfs of FN_TMPFS_SIZE_MB"),
        ("FN_MAX_TMPFS_INODES", _ => "is ignored: the /tmp tmpfs has FN_TMPFS_SIZE_MB and the kernel's default number of inodes"),
        ("FN_IOFS_TMPFS", _ => $"is ignored: {Iofs}"),
        ("FN_IOFS_OPTS", _ => $"is ignored: {Iofs}"),
        ("FN_IOFS_DOCKER_PATH", _ => "is ignored: the engine must see FN_IOFS_PATH at the same path"),
        ("FN_MAX_HDR_RESPONSE_SIZE", _ => "is ignored: the headers of a function's answer may take up to 64 KiB (.NET's limit)"),
        ("FN_MAX_OPEN_FILES", _ => $"is ignored: {Ulimits}"),
        ("FN_MAX_LOCKED_MEMORY", _ => $"is ignored: {Ulimits}"),
        ("FN_MAX_PENDING_SIGNALS", _ => $"is ignored: {Ulimits}"),
        ("FN_MAX_MESSAGE_QUEUE", _ => $"is ignored: {Ulimits}"),
        ("FN_DISABLE_UNPRIVILEGED_CONTAINERS", _ => "is ignored: FN_DISABLE_HARDENING names the hardening to turn off"),
        ("FN_ENABLE_NB_RESOURCE_TRACKER", _ => "is ignored: a call waits for memory within FN_MAX_WAIT_MSECS, then gets 503 with Retry-After"),
        ("FN_EXECUTION_HEADROOM", _ => "is ignored: the share of memory detached calls may use is FN_ASYNC_MEMORY_SHARE"),
        ("FN_CONTAINER_LABEL_TAG", _ => "is ignored: FnSharp labels its containers io.fnsharp.*"),
        ("FN_DOCKER_LOAD_FILE", _ => "is ignored: FnSharp loads no image archive at start; images come from the engine or their registry"),
        ("FN_IMAGE_CLEAN_EXEMPT_TAGS", _ => "is ignored: the image clean-up never removes an image a fn names or a container uses"),
        ("FN_IMAGE_ENABLE_VOLUME", _ => "is ignored: FnSharp refuses every image that declares a VOLUME"),
        ("FN_DISABLE_DEBUG_USER_LOGS", _ => "is ignored: FnSharp never writes a call's output to its own log; it is the call's log"),
        ("FN_EXPERIMENTAL_PREFORK_POOL_SIZE", _ => $"is ignored: {Prefork}"),
        ("FN_EXPERIMENTAL_PREFORK_IMAGE", _ => $"is ignored: {Prefork}"),
        ("FN_EXPERIMENTAL_PREFORK_CMD", _ => $"is ignored: {Prefork}"),
        ("FN_EXPERIMENTAL_PREFORK_USE_ONCE", _ => $"is ignored: {Prefork}"),
        ("FN_EXPERIMENTAL_PREFORK_NETWORKS", _ => $"is ignored: {Prefork}"),
    ];

    /// <summary>Every key of the table, in its order.</summary>
    public static IEnumerable<string> Keys => Rows.Select(r => r.Key);

    /// <summary>
    /// The keys of the table set (not empty) in <paramref name="configuration"/>, each with its value as shown (its credentials
    /// hidden by <see cref="CredentialMask"/>, cut after 100 characters) and what FnSharp does instead, in the table's order.
    /// </summary>
    public static IEnumerable<(string Key, string Value, string Explanation)> Set(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        foreach (var (key, explain) in Rows)
        {
            if (configuration[key] is { Length: > 0 } value && explain(value) is { } explanation)
            {
                yield return (key, Shown(value), explanation);
            }
        }
    }

    private static string Shown(string value)
    {
        // A URL may carry credentials (a tracing collector's, a log destination's): never logged.
        value = CredentialMask.Hide(value);
        return value.Length <= MaxShownChars ? value : value[..MaxShownChars] + "...";
    }
}
