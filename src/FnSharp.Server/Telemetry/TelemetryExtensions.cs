using System.Diagnostics.Metrics;
using FnSharp.Agent.Runner;
using FnSharp.Docker;
using FnSharp.Server.Calls;
using FnSharp.Server.Detached;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FnSharp.Server.Telemetry;

/// <summary>
/// Logs (<c>FN_LOG_FORMAT</c>, <c>FN_LOG_LEVEL</c>), metrics (OpenTelemetry's SDK reading the meters
/// <c>FnSharp.Agent</c>, <c>FnSharp.Docker</c> and <c>FnSharp.Server</c>, served by its Prometheus exporter at <c>/metrics</c>),
/// tracing (the API request, queue wait, container start and dispatch, exported over OTLP only when
/// the standard <c>OTEL_*</c> variables ask for it) and the health endpoints.
/// </summary>
public static class TelemetryExtensions
{
    private const string ReadyTag = "ready";

    /// <summary>The log category of ASP.NET Core's per-request diagnostics (request lines, the request's Activity and log scope).</summary>
    internal const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>The <c>Timestamp</c> of JSON log lines: RFC 3339 UTC with milliseconds, as every time of the API.</summary>
    internal const string JsonTimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>Registers logging, metrics, tracing and health checks.</summary>
    public static WebApplicationBuilder AddFnSharpTelemetry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Read here, since logging is set up before the services exist; a bad value keeps its default
        // until the start-up validation of AddSettings reports it.
        var (telemetry, _) = Settings.Telemetry.Read(builder.Configuration);
        if (telemetry.JsonLogs)
        {
            // The console provider with the built-in JSON formatter: one object per line. It writes a
            // Timestamp only when given a format.
            builder.Logging.AddJsonConsole(json =>
            {
                json.UseUtcTimestamp = true;
                json.TimestampFormat = JsonTimestampFormat;
            });
        }

        // Registered after appsettings' rules, so that FN_LOG_LEVEL wins over their Default.
        builder.Logging.AddFilter(null, telemetry.MinimumLevel);

        // ASP.NET Core's hosting starts an Activity and a log scope for every request whenever this category logs at
        // any level (it checks Critical), even with no tracing and nothing logged per request (Microsoft.AspNetCore is
        // at Warning): work on every call's path for nothing. Off unless the configuration names the category (to
        // see its request lines); with tracing exported, OpenTelemetry's listener still gets each request's span.
        if (builder.Configuration[$"Logging:LogLevel:{HostingDiagnosticsCategory}"] is null)
        {
            builder.Logging.AddFilter(HostingDiagnosticsCategory, LogLevel.None);
        }

        var services = builder.Services;
        services.AddSettings(Settings.Telemetry);
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                if (telemetry.ServiceName is null)
                {
                    resource.AddService("fnsharp-server");
                }
            })
            .WithMetrics(metrics =>
            {
                metrics
                    .AddMeter(RunnerAgent.MeterName, DockerApiMetrics.MeterName, CallRecordMetrics.MeterName, DetachedCallMetrics.MeterName)
                    .AddPrometheusExporter(prometheus => prometheus.DisableTotalNameSuffixForCounters = false);
                ((IDeferredMeterProviderBuilder)metrics).Configure((provider, meters) => meters.AddView(OwnMetersOnly(provider.GetService<IMeterFactory>())));
            });
        if (telemetry.TracingExported)
        {
            otel.WithTracing(tracing => tracing
                .AddSource(AgentTracing.SourceName)
                .AddAspNetCoreInstrumentation()
                .AddOtlpExporter());
        }

        services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>("store", HealthStatus.Unhealthy, [ReadyTag], TimeSpan.FromSeconds(5))
            .AddCheck<DockerEngineHealthCheck>("docker", HealthStatus.Unhealthy, [ReadyTag], TimeSpan.FromSeconds(5));
        return builder;
    }

    /// <summary>
    /// A view that drops the instruments of meters another <see cref="IMeterFactory"/> made (another host in the same
    /// process, as a test's servers): OpenTelemetry's provider listens to every meter of the names it adds, process-wide,
    /// so that host's measurements would be merged into this host's series, and its stop would end them (the series of
    /// an instrument disposed are removed, and this host's instrument of the same name fed the same series). Meters of no
    /// factory (<c>new Meter(name)</c>) are kept.
    /// </summary>
    internal static Func<Instrument, MetricStreamConfiguration?> OwnMetersOnly(IMeterFactory? own) =>
        instrument => instrument.Meter.Scope is IMeterFactory other && !ReferenceEquals(other, own) ? MetricStreamConfiguration.Drop : null;

    /// <summary>Maps <c>GET /metrics</c> (an admin key when keys are required), <c>/health/live</c> (200 while the process serves) and <c>/health/ready</c> (200 when the store and the Docker engine answer, else 503).</summary>
    public static WebApplication MapFnSharpTelemetry(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Health is public, for load balancers and orchestrators; metrics name fns and their load, so they need an admin key.
        app.MapPrometheusScrapingEndpoint("/metrics").RequireAdmin();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) }).AllowAnonymous();
        return app;
    }
}
