using FnSharp.Core.Secrets;
namespace FnSharp.Server.Configuration;

/// <summary>
/// The server's settings (API, store, call records), read from Fn's <c>FN_*</c> names in any
/// configuration source (environment, <c>appsettings.json</c>, <c>--FN_PORT=9090</c> switches) through
/// <see cref="Settings.Server"/>, which also checks them at start-up.
/// </summary>
public sealed record ServerOptions
{
    /// <summary>The TCP port the API listens on (<c>FN_PORT</c>, default 8080).</summary>
    public int Port { get; set; } = 8080;

    /// <summary>
    /// The address the API listens on (<c>FN_LISTEN_ADDRESS</c>): <c>*</c>, the default, for every
    /// interface, <c>localhost</c>, or one IP address such as <c>127.0.0.1</c> or <c>::1</c>. Without any
    /// API key, a server listens only on loopback (<c>docs/api.md</c>, "Keys").
    /// </summary>
    public string ListenAddress { get; set; } = "*";

    /// <summary>Whether <see cref="ListenAddress"/> is a loopback address only (<c>localhost</c>, <c>127.0.0.0/8</c>, <c>::1</c>).</summary>
    public bool ListensOnLoopbackOnly =>
        ListenAddress.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(ListenAddress, out var address) && System.Net.IPAddress.IsLoopback(address));

    /// <summary>The URL Kestrel listens on: <see cref="ListenAddress"/> (an IPv6 address in brackets) and <see cref="Port"/>.</summary>
    public string ListenUrl => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"http://{(ListenAddress.Contains(':', StringComparison.Ordinal) ? "[" + ListenAddress + "]" : ListenAddress)}:{Port}");

    /// <summary>
    /// The datastore (<c>FN_DB_URL</c>): <c>sqlite3:///abs/path.db</c> or <c>sqlite3://./rel/path.db</c>
    /// (default <c>sqlite3://./data/fnsharp.db</c>, its directory created when missing), or
    /// <c>postgres://user:password@host:port/database</c>.
    /// </summary>
    public string DbUrl { get; set; } = "sqlite3://./data/fnsharp.db";

    /// <summary>The public base URL used in computed endpoint annotations (<c>FN_PUBLIC_LB_URL</c>); the request's own when unset.</summary>
    public string? PublicLbUrl { get; set; }

    /// <summary>The largest request body accepted, in bytes (<c>FN_MAX_REQUEST_SIZE</c>, default 6 MiB).</summary>
    public long MaxRequestSize { get; set; } = 6 * 1024 * 1024;

    /// <summary>
    /// The largest response body a function may answer, in bytes (<c>FN_MAX_RESPONSE_SIZE</c>; 0, the
    /// default as in Fn, means no limit). Larger answers get 502 <c>function response body too large</c>.
    /// </summary>
    public long MaxResponseSize { get; set; }

    /// <summary>
    /// How much of a function's answer is held back before its status is sent, in bytes
    /// (<c>FN_RESPONSE_HOLD_BACK_BYTES</c>, default 64 KiB): an answer over <see cref="MaxResponseSize"/>
    /// within it gets a clean 502; past it the status is sent and the connection can only be cut. Set it
    /// to <see cref="MaxResponseSize"/> for a 502 always, at the cost of holding that much per call in memory.
    /// </summary>
    public int ResponseHoldBackBytes { get; set; } = Invocation.LimitedBodyCopier.HoldBackBytes;

    /// <summary>
    /// How long the invoke path may reuse a fn, app or trigger it looked up, in milliseconds
    /// (<c>FN_LOOKUP_CACHE_MSECS</c>, default 5000). Writes through this node invalidate at once; the
    /// time only bounds how late a write made through another node sharing the store is seen.
    /// </summary>
    public int LookupCacheMs { get; set; } = 5000;

    /// <summary>
    /// This node's name (<c>FN_NODE_NAME</c>, default the host name): the detached calls it runs are
    /// leased to it, and it takes back its own at start-up. The Docker driver reads the same key
    /// (<see cref="FnSharp.Docker.DockerDriverOptions.Node"/>) for its containers' label.
    /// </summary>
    public string NodeName { get; set; } = Environment.MachineName;

    /// <summary>
    /// The largest per-call log kept, in bytes of UTF-8 (<c>FN_MAX_LOG_SIZE_BYTES</c>, default 1 MiB): a
    /// call's output beyond it is cut at a line boundary and a last line says how many lines were dropped.
    /// </summary>
    public long MaxLogSizeBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// How long ended calls are kept, in seconds (<c>FN_CALL_MAX_AGE_SECS</c>, default 7 days): records,
    /// logs and dead letters completed longer ago are pruned. 0 keeps them forever.
    /// </summary>
    public int CallMaxAgeSecs { get; set; } = 7 * 24 * 60 * 60;

    /// <summary>
    /// How long after a synchronous call ends its output is collected for its log, in milliseconds
    /// (<c>FN_CALL_LOG_WAIT_MSECS</c>, default 250): the engine delivers a container's output a little
    /// after the container wrote it, so the record writer waits this long before it takes the lines.
    /// </summary>
    public int CallLogWaitMs { get; set; } = 250;

    /// <summary>
    /// Whether synchronous calls leave a record and a log (<c>FN_CALL_RECORDS</c>, <c>true</c> or
    /// <c>false</c>, default <c>true</c>). Off, the call path hands nothing to the record writer, for
    /// very hot fns whose records nobody reads; detached calls keep theirs, since the queue is their record.
    /// </summary>
    public bool CallRecords { get; set; } = true;

    /// <summary>The time between two rounds of the image clean-up, in seconds (<c>FN_IMAGE_CLEAN_INTERVAL_SECS</c>, default 300); it runs only with <c>FN_IMAGE_CLEAN_MAX_SIZE</c>.</summary>
    public int ImageCleanIntervalSecs { get; set; } = 300;

    /// <summary>
    /// The most bytes of request headers, names and values, on every route (<c>FN_MAX_REQUEST_HEADERS_SIZE</c>,
    /// default 12 KiB); more get 431. Kestrel's own limit, set below its 32 KiB default so that what a
    /// container receives (the client's headers, FnSharp's own and, for a trigger, the URL and the
    /// <c>Fn-Http-H-</c> prefixes) stays within the 16 KiB Fn's Node FDK accepts.
    /// </summary>
    public int MaxRequestHeadersSize { get; set; } = 12 * 1024;

    /// <summary>The most request headers on every route (<c>FN_MAX_REQUEST_HEADER_COUNT</c>, default 100 as Kestrel's); more get 431.</summary>
    public int MaxRequestHeaderCount { get; set; } = 100;

    /// <summary>The longest request line (method, URL, version), in bytes (<c>FN_MAX_REQUEST_LINE_SIZE</c>, default 8 KiB as Kestrel's); longer get 414.</summary>
    public int MaxRequestLineSize { get; set; } = 8 * 1024;

    /// <summary>
    /// How long a client may take to send a request's headers once it started, in milliseconds
    /// (<c>FN_REQUEST_HEADERS_TIMEOUT_MSECS</c>, default 10000; Kestrel's own is 30000); then 408.
    /// </summary>
    public int RequestHeadersTimeoutMs { get; set; } = 10_000;

    /// <summary>
    /// The window over which a request body's pace is measured, in milliseconds of waiting for it
    /// (<c>FN_REQUEST_BODY_TIMEOUT_MSECS</c>, default 10000): each window must bring at least
    /// <see cref="MinRequestBodyRate"/> bytes per second of it, and at least one byte, else 408.
    /// </summary>
    public int RequestBodyTimeoutMs { get; set; } = 10_000;

    /// <summary>The slowest pace of a request body, in bytes per second over each <see cref="RequestBodyTimeoutMs"/> (<c>FN_MIN_REQUEST_BODY_RATE</c>, default 240 as Kestrel's).</summary>
    public int MinRequestBodyRate { get; set; } = 240;

    /// <summary>The SQLite file named by <see cref="DbUrl"/>, or <see langword="null"/> when it names no SQLite file.</summary>
    public string? SqlitePath => SqlitePathOf(DbUrl);

    /// <summary>Whether <see cref="DbUrl"/> names a PostgreSQL database.</summary>
    public bool UsesPostgres => FnSharp.Storage.Postgres.PostgresDataStore.IsPostgresUrl(DbUrl);

    /// <summary><see cref="DbUrl"/> with its credentials hidden (<see cref="CredentialMask"/>), for logs and messages.</summary>
    public string RedactedDbUrl => CredentialMask.Hide(DbUrl);

    private const string SqliteScheme = "sqlite3://";

    /// <summary>The SQLite file of a <c>sqlite3://</c> URL, or <see langword="null"/> for any other URL.</summary>
    internal static string? SqlitePathOf(string url) =>
        url.StartsWith(SqliteScheme, StringComparison.Ordinal) && url.Length > SqliteScheme.Length ? url[SqliteScheme.Length..] : null;

}
