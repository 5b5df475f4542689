namespace FnSharp.Server.Telemetry;

/// <summary>The telemetry settings read while the host was built, kept for validation at start.</summary>
public sealed record TelemetryOptions
{
    /// <summary>The log settings (<c>FN_LOG_FORMAT</c>, <c>FN_LOG_LEVEL</c>).</summary>
    public LogSettings Logs { get; set; } = new();

    /// <summary>Whether spans are exported over OTLP (an <c>OTEL_EXPORTER_OTLP_*ENDPOINT</c> or <c>OTEL_TRACES_EXPORTER=otlp</c> is set).</summary>
    public bool TracingExported { get; set; }
}
