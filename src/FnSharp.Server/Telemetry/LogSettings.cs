namespace FnSharp.Server.Telemetry;

/// <summary>
/// The log settings: <c>FN_LOG_FORMAT</c> (<c>text</c>, the default, or <c>json</c>: one JSON object
/// per line from the built-in JSON console formatter) and <c>FN_LOG_LEVEL</c> (Fn's <c>debug</c>,
/// <c>info</c>, <c>warn</c>, <c>error</c>, <c>fatal</c>, <c>panic</c>, or a .NET level name; default
/// <c>info</c>). They are read while the host is built; bad values fail start-up through
/// <see cref="TelemetryOptionsValidator"/>.
/// </summary>
public sealed record LogSettings
{
    /// <summary>Whether logs are JSON lines (<c>FN_LOG_FORMAT=json</c>).</summary>
    public bool Json { get; init; }

    /// <summary>The minimum level written (<c>FN_LOG_LEVEL</c>).</summary>
    public LogLevel MinimumLevel { get; init; } = LogLevel.Information;

    /// <summary>Why the settings are bad, naming each setting and its value; empty when they are good.</summary>
    public IReadOnlyList<string> Failures { get; init; } = [];

    /// <summary>Reads the settings; bad values fall back to the defaults and are named in <see cref="Failures"/>.</summary>
    public static LogSettings Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var failures = new List<string>();
        var json = false;
        switch (configuration["FN_LOG_FORMAT"]?.Trim().ToLowerInvariant())
        {
            case null or "" or "text":
                break;
            case "json":
                json = true;
                break;
            default:
                failures.Add($"FN_LOG_FORMAT '{configuration["FN_LOG_FORMAT"]}' is not a log format: use text or json.");
                break;
        }

        var level = LogLevel.Information;
        if (configuration["FN_LOG_LEVEL"] is { Length: > 0 } text)
        {
            if (ParseLevel(text) is { } parsed)
            {
                level = parsed;
            }
            else
            {
                failures.Add($"FN_LOG_LEVEL '{text}' is not a log level: use debug, info, warn, error, fatal or a .NET level (Trace, Debug, Information, Warning, Error, Critical, None).");
            }
        }

        return new LogSettings { Json = json, MinimumLevel = level, Failures = failures };
    }

    /// <summary>Fn's level names (logrus) and .NET's, in any case.</summary>
    public static LogLevel? ParseLevel(string text) => text.Trim().ToLowerInvariant() switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "info" or "information" => LogLevel.Information,
        "warn" or "warning" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "fatal" or "panic" or "critical" => LogLevel.Critical,
        "none" => LogLevel.None,
        _ => null,
    };
}
