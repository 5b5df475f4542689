namespace FnSharp.Server.Telemetry;

/// <summary>
/// The settings of logs and traces, read through <see cref="Settings.Telemetry"/> while the host is
/// built (logging is set up before the services exist) and checked again at start-up.
/// </summary>
public sealed record TelemetryOptions
{
    /// <summary>Whether logs are JSON lines from the built-in JSON console formatter (<c>FN_LOG_FORMAT=json</c>) rather than text (the default).</summary>
    public bool JsonLogs { get; set; }

    /// <summary>
    /// The lowest level written (<c>FN_LOG_LEVEL</c>: Fn's <c>debug</c>, <c>info</c>, <c>warn</c>,
    /// <c>error</c>, <c>fatal</c>, <c>panic</c>, or a .NET level name; default <c>info</c>).
    /// </summary>
    public LogLevel MinimumLevel { get; set; } = LogLevel.Information;

    /// <summary>OpenTelemetry's <c>OTEL_TRACES_EXPORTER</c>, in lower case: <c>otlp</c> turns the export of spans on, <c>none</c> off.</summary>
    public string? TracesExporter { get; set; }

    /// <summary>OpenTelemetry's <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>: set, spans are exported there (the exporter reads it itself).</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>OpenTelemetry's <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>: set, spans are exported there.</summary>
    public string? OtlpTracesEndpoint { get; set; }

    /// <summary>OpenTelemetry's <c>OTEL_SERVICE_NAME</c>; <c>fnsharp-server</c> when unset.</summary>
    public string? ServiceName { get; set; }

    /// <summary>Whether spans are exported over OTLP: an endpoint is set or <see cref="TracesExporter"/> is <c>otlp</c>, and it is not <c>none</c>.</summary>
    public bool TracingExported => TracesExporter != "none" && (TracesExporter == "otlp" || OtlpEndpoint is not null || OtlpTracesEndpoint is not null);
}
