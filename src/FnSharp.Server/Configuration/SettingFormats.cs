using FnSharp.Core.Secrets;
using System.Globalization;
using System.Numerics;
using FnSharp.Agent.Runner.KeepAlive;
using FnSharp.Core.Engine;
using FnSharp.Docker;
using FnSharp.Docker.Runc;
using FnSharp.Storage.Postgres;

namespace FnSharp.Server.Configuration;

/// <summary>
/// The formats of the settings in <see cref="Settings"/>. A number that does not parse is named with
/// quotes (<c>not 'abc'</c>), one that parses but breaks the rule without (<c>not 0</c>).
/// </summary>
internal static class SettingFormats
{
    /// <summary><c>true</c> or <c>false</c>, in any case.</summary>
    public static readonly SettingFormat<bool> Bool = new(text =>
        bool.TryParse(text, out var value) ? SettingValue<bool>.Of(value) : SettingValue<bool>.Bad($"must be true or false, not '{text}'."));

    /// <summary>Any text, as given.</summary>
    public static readonly SettingFormat<string> Text = new(SettingValue<string>.Of);

    /// <summary>Any text, as given, for an option that may be unset.</summary>
    public static readonly SettingFormat<string?> OptionalText = new(text => SettingValue<string?>.Of(text));

    /// <summary>The store's URL (<c>FN_DB_URL</c>): a <c>sqlite3://</c> file or a PostgreSQL database; messages show it without its password.</summary>
    public static readonly SettingFormat<string> DbUrl = new(text =>
    {
        if (PostgresDataStore.IsPostgresUrl(text))
        {
            try
            {
                PostgresDataStore.ConnectionStringFromUrl(text);
            }
            catch (FormatException e)
            {
                return SettingValue<string>.Bad($"'{CredentialMask.Hide(text)}' is not a valid PostgreSQL URL: {e.Message}.");
            }
        }
        else if (ServerOptions.SqlitePathOf(text) is null)
        {
            return SettingValue<string>.Bad($"'{CredentialMask.Hide(text)}' is not supported: use sqlite3:///absolute/path.db, sqlite3://./relative/path.db or postgres://user:password@host:port/database.");
        }

        return SettingValue<string>.Of(text);
    });

    /// <summary>The address the API listens on (<c>FN_LISTEN_ADDRESS</c>): <c>*</c>, <c>localhost</c> or one IP address.</summary>
    public static readonly SettingFormat<string> ListenAddress = new(text =>
        text.Trim() is var address && (address is "*" || address.Equals("localhost", StringComparison.OrdinalIgnoreCase) || System.Net.IPAddress.TryParse(address, out _))
            ? SettingValue<string>.Of(address)
            : SettingValue<string>.Bad($"must be * (every interface), localhost or an IP address such as 127.0.0.1, not '{address}'."));

    /// <summary>Whether API keys are required (<c>FN_AUTH</c>): <c>auto</c>, <c>on</c> or <c>off</c>, in any case.</summary>
    public static readonly SettingFormat<AuthMode> AuthModeName = new(text => text.Trim().ToLowerInvariant() switch
    {
        "auto" => SettingValue<AuthMode>.Of(AuthMode.Auto),
        "on" => SettingValue<AuthMode>.Of(AuthMode.On),
        "off" => SettingValue<AuthMode>.Of(AuthMode.Off),
        _ => SettingValue<AuthMode>.Bad($"must be auto, on or off, not '{text}'."),
    });

    /// <summary>The runner's keep-alive policy (<c>FN_KEEPALIVE_POLICY</c>): <c>fixed</c>, <c>hybrid</c> or <c>cost</c>, in any case.</summary>
    public static readonly SettingFormat<KeepAlivePolicyKind> KeepAlivePolicyName = new(text => text.Trim().ToLowerInvariant() switch
    {
        "fixed" => SettingValue<KeepAlivePolicyKind>.Of(KeepAlivePolicyKind.Fixed),
        "hybrid" => SettingValue<KeepAlivePolicyKind>.Of(KeepAlivePolicyKind.Hybrid),
        "cost" => SettingValue<KeepAlivePolicyKind>.Of(KeepAlivePolicyKind.Cost),
        _ => SettingValue<KeepAlivePolicyKind>.Bad($"must be fixed, hybrid or cost, not '{text}'."),
    });

    /// <summary>A token that is hard to guess (<c>FN_ADMIN_TOKEN</c>); a message about a bad one never shows it.</summary>
    public static readonly SettingFormat<string?> AdminToken = new(text =>
        text.Length < AuthOptions.MinAdminTokenLength || text.Any(c => c <= ' ' || c == '\u007f')
            ? SettingValue<string?>.Bad(string.Create(CultureInfo.InvariantCulture, $"must be at least {AuthOptions.MinAdminTokenLength} characters without spaces or control characters (it has {text.Length}); make one with: openssl rand -hex 32"))
            : SettingValue<string?>.Of(text));

    /// <summary>Glob patterns of images (<c>FN_ALLOWED_IMAGES</c>), separated by commas or spaces.</summary>
    public static readonly SettingFormat<IReadOnlyList<string>> ImagePatterns = new(text =>
    {
        var patterns = text.Split([',', ' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var bad = patterns.Where(p => p.Any(char.IsControl)).Select(p => $"has a pattern with a control character: '{p}'.").ToList();
        return bad.Count == 0 ? SettingValue<IReadOnlyList<string>>.Of(patterns) : SettingValue<IReadOnlyList<string>>.Bad(bad);
    });

    /// <summary>An absolute http or https URL (<c>FN_PUBLIC_LB_URL</c>).</summary>
    public static readonly SettingFormat<string?> HttpUrl = new(text =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? SettingValue<string?>.Of(text)
            : SettingValue<string?>.Bad($"'{text}' is not an absolute http or https URL, for example http://fn.example.com:8080."));

    /// <summary>The URL other nodes reach this node at (<c>FN_NODE_URL</c>): http or https with a host, without its trailing slash.</summary>
    public static readonly SettingFormat<string> NodeUrl = new(text =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0
            ? SettingValue<string>.Of(text.TrimEnd('/'))
            : SettingValue<string>.Bad($"must be an http or https URL with a host, for example http://10.0.0.7:8080, not '{text}'."));

    /// <summary>
    /// NATS servers (<c>FN_NATS_URL</c>): one URL or several separated by commas, each <c>nats</c>,
    /// <c>tls</c>, <c>ws</c> or <c>wss</c> with a host, as NATS.Net reads them.
    /// </summary>
    public static readonly SettingFormat<string?> NatsUrls = new(text =>
    {
        var urls = text.Split(',', StringSplitOptions.TrimEntries);
        var bad = urls.Where(u => !(Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "nats" or "tls" or "ws" or "wss" && uri.Host.Length > 0)).ToList();
        return bad.Count == 0
            ? SettingValue<string?>.Of(string.Join(',', urls))
            : SettingValue<string?>.Bad($"must be a NATS server URL such as nats://127.0.0.1:4222 (or several separated by commas), not '{CredentialMask.Hide(bad[0])}'.");
    });

    /// <summary>The address of a Docker Engine API (<c>FN_DOCKER_HOST</c>), read as the CLI reads <c>DOCKER_HOST</c>.</summary>
    public static readonly SettingFormat<string> EngineAddress = new(text =>
        DockerEngineAddress.TryParse(text, out _) ? SettingValue<string>.Of(text.Trim()) : SettingValue<string>.Bad($"'{text}' is not {DockerEngineAddress.Expected}."));

    /// <summary>Fn's space-separated list of Docker networks (<c>FN_DOCKER_NETWORKS</c>), of which the first is used.</summary>
    public static readonly SettingFormat<string> DockerNetworks = new(text =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is [var first, ..]
            ? SettingValue<string>.Of(first)
            : SettingValue<string>.Bad($"must name a Docker network (bridge, none, ...), not '{text}'."));

    /// <summary>
    /// The root of the containers' socket directories (<c>FN_IOFS_PATH</c>): an absolute path of at most
    /// <see cref="SocketDirectories.MaxRootBytes"/> bytes, so that the server can connect to each container's socket.
    /// </summary>
    public static readonly SettingFormat<string> IofsPath = new(text =>
    {
        var path = text.Trim();
        return !Path.IsPathFullyQualified(path) ? SettingValue<string>.Bad($"must be an absolute directory path such as /tmp/fnsharp-iofs, not '{text}'.")
            : System.Text.Encoding.UTF8.GetByteCount(path) > SocketDirectories.MaxRootBytes ? SettingValue<string>.Bad($"must be at most {SocketDirectories.MaxRootBytes} bytes long (a unix socket's path may not exceed 107 bytes, and each container's is this plus {SocketDirectories.SocketPathBytes}), not '{text}'.")
            : SettingValue<string>.Of(Path.TrimEndingDirectorySeparator(path));
    });

    /// <summary>The driver of fn containers (<c>FN_DRIVER</c>): <c>docker</c> or <c>runc</c>, in any case.</summary>
    public static readonly SettingFormat<ContainerDriverKind> DriverName = new(text => text.Trim().ToLowerInvariant() switch
    {
        "docker" => SettingValue<ContainerDriverKind>.Of(ContainerDriverKind.Docker),
        "runc" => SettingValue<ContainerDriverKind>.Of(ContainerDriverKind.Runc),
        _ => SettingValue<ContainerDriverKind>.Bad($"must be docker or runc, not '{text}'."),
    });

    /// <summary>
    /// Fn's node type (<c>FN_NODE_TYPE</c>), in any case: <c>full</c>, <c>api</c> or <c>lb</c>, each a full node in FnSharp;
    /// Fn's <c>pure-runner</c> (no API, only its runner protocol for its load balancer) is refused, since an FnSharp node
    /// would serve the whole API there, and so is any other text, which Fn would have run as a full node unsaid.
    /// </summary>
    public static readonly SettingFormat<string> NodeTypeName = new(text => text.Trim().ToLowerInvariant() switch
    {
        "full" or "api" or "lb" => SettingValue<string>.Of(text.Trim().ToLowerInvariant()),
        "pure-runner" => SettingValue<string>.Bad($"must be full, api or lb, not '{text}': FnSharp has no runner-only node (Fn's pure runner, which serves only its load balancer's gRPC); every FnSharp node serves the whole API, /invoke and /t. Unset it to run a full node (see docs/cluster.md)."),
        _ => SettingValue<string>.Bad($"must be full, api or lb (each runs a full node in FnSharp), not '{text}'."),
    });

    /// <summary>A comma-separated list of hardening parts (<c>FN_DISABLE_HARDENING</c>, <see cref="ContainerHardening.PartNames"/> or <c>all</c>), in any case.</summary>
    public static readonly SettingFormat<IReadOnlyList<string>> HardeningParts = new(text =>
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => p.ToLowerInvariant()).ToArray();
        var unknown = parts.Where(p => p != "all" && !ContainerHardening.PartNames.Contains(p, StringComparer.Ordinal))
            .Select(p => $"names '{p}', which is not one of all, {string.Join(", ", ContainerHardening.PartNames)}.")
            .ToList();
        return unknown.Count == 0 ? SettingValue<IReadOnlyList<string>>.Of(parts) : SettingValue<IReadOnlyList<string>>.Bad(unknown);
    });

    /// <summary>A registry host (<c>FN_REGISTRY_HOST</c>): <c>HOST[:PORT]</c>, or a URL whose host is taken, as Docker config files key it.</summary>
    public static readonly SettingFormat<string> RegistryHost = new(text =>
        text.Trim() is var host && host.Length > 0 && !host.Any(char.IsWhiteSpace) && !host.Contains('@', StringComparison.Ordinal)
            && FnSharp.Core.Registries.ImageReference.RegistryOfAddress(host) is { Length: > 0 } registry
            ? SettingValue<string>.Of(registry)
            : SettingValue<string>.Bad($"must be a registry host, as HOST[:PORT] (for example registry.example.com:5000), not '{text}'."));

    /// <summary>A Docker config file's JSON (<c>FN_DOCKER_AUTH</c>); a message about a bad one never shows it.</summary>
    public static readonly SettingFormat<string?> DockerConfigJson = new(text =>
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(text);
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                ? SettingValue<string?>.Of(text)
                : SettingValue<string?>.Bad("must be a Docker config file's JSON object, {\"auths\": {\"HOST\": {\"auth\": \"BASE64(user:password)\"}}}.");
        }
        catch (System.Text.Json.JsonException e)
        {
            return SettingValue<string?>.Bad($"must be a Docker config file's JSON object, {{\"auths\": {{\"HOST\": {{\"auth\": \"BASE64(user:password)\"}}}}}}: {e.Message}");
        }
    });

    /// <summary><c>text</c> or <c>json</c> (<c>FN_LOG_FORMAT</c>), in any case: whether logs are JSON lines.</summary>
    public static readonly SettingFormat<bool> LogFormat = new(text => text.Trim().ToLowerInvariant() switch
    {
        "" or "text" => SettingValue<bool>.Of(false),
        "json" => SettingValue<bool>.Of(true),
        _ => SettingValue<bool>.Bad($"'{text}' is not a log format: use text or json."),
    });

    /// <summary>A log level (<c>FN_LOG_LEVEL</c>): Fn's names (logrus') and .NET's, in any case.</summary>
    public static readonly SettingFormat<LogLevel> LogLevelName = new(text => text.Trim().ToLowerInvariant() switch
    {
        "trace" => SettingValue<LogLevel>.Of(LogLevel.Trace),
        "debug" => SettingValue<LogLevel>.Of(LogLevel.Debug),
        "info" or "information" => SettingValue<LogLevel>.Of(LogLevel.Information),
        "warn" or "warning" => SettingValue<LogLevel>.Of(LogLevel.Warning),
        "error" => SettingValue<LogLevel>.Of(LogLevel.Error),
        "fatal" or "panic" or "critical" => SettingValue<LogLevel>.Of(LogLevel.Critical),
        "none" => SettingValue<LogLevel>.Of(LogLevel.None),
        _ => SettingValue<LogLevel>.Bad($"'{text}' is not a log level: use debug, info, warn, error, fatal or a .NET level (Trace, Debug, Information, Warning, Error, Critical, None)."),
    });

    /// <summary>A whole number that <paramref name="accepts"/> takes.</summary>
    public static SettingFormat<int> Int(string rule, Func<int, bool> accepts) => Number(rule, accepts);

    /// <summary>A whole number, possibly larger than an <see cref="int"/>, that <paramref name="accepts"/> takes.</summary>
    public static SettingFormat<long> Long(string rule, Func<long, bool> accepts) => Number(rule, accepts);

    /// <summary>A whole number that <paramref name="accepts"/> takes, for an option that may be unset.</summary>
    public static SettingFormat<long?> OptionalLong(string rule, Func<long, bool> accepts)
    {
        var number = Number(rule, accepts);
        return new(text => number.Parse(text) is var read && read.Ok ? SettingValue<long?>.Of(read.Value) : SettingValue<long?>.Bad(read.Problems));
    }

    /// <summary>A decimal number (with a dot) that <paramref name="accepts"/> takes.</summary>
    public static SettingFormat<double> Double(string rule, Func<double, bool> accepts) => new(text =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? accepts(value) ? SettingValue<double>.Of(value) : BadValue<double>(rule, value)
            : SettingValue<double>.Bad($"must be {rule}, not '{text}'."));

    /// <summary>A format of its own: <paramref name="parse"/> says what is wrong with a bad text.</summary>
    public static SettingFormat<TValue> Of<TValue>(Func<string, SettingValue<TValue>> parse) => new(parse);

    private static SettingFormat<T> Number<T>(string rule, Func<T, bool> accepts)
        where T : IBinaryInteger<T> => new(text =>
        T.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? accepts(value) ? SettingValue<T>.Of(value) : BadValue<T>(rule, value)
            : SettingValue<T>.Bad($"must be {rule}, not '{text}'."));

    private static SettingValue<T> BadValue<T>(string rule, T value)
        where T : IFormattable => SettingValue<T>.Bad(string.Create(CultureInfo.InvariantCulture, $"must be {rule}, not {value}."));
}
