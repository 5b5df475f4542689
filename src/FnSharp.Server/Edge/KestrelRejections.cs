using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace FnSharp.Server.Edge;

/// <summary>
/// Listens to Kestrel's <c>Microsoft.AspNetCore.Server.Kestrel.BadRequest</c> event (raised when it
/// refuses a request before the application sees it) and marks the request's connection with the
/// project's error for it, which <see cref="RejectionRewritingWriter"/> then answers with. Each refusal
/// writes a debug line with its reason (at debug level: hostile clients must not flood the log).
/// </summary>
internal sealed partial class KestrelRejections(DiagnosticListener diagnostics, IOptions<ServerOptions> settings, ILogger<KestrelRejections> logger)
    : IHostedService, IObserver<KeyValuePair<string, object?>>
{
    private const string EventName = "Microsoft.AspNetCore.Server.Kestrel.BadRequest";

    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = diagnostics.Subscribe(this, name => name == EventName);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key != EventName || value.Value is not IFeatureCollection features
            || features.Get<IBadRequestExceptionFeature>()?.Error is not BadHttpRequestException rejection)
        {
            return;
        }

        var error = EdgeErrors.Rejected(rejection, settings.Value);
        LogRejected(logger, features.Get<IHttpConnectionFeature>()?.RemoteIpAddress?.ToString() ?? "?", error.Status, rejection.Message);
        if (features.Get<RejectionMark>() is { } mark)
        {
            mark.IsHead = features.Get<IHttpRequestFeature>()?.Method == HttpMethods.Head;
            mark.Error = error;
        }
    }

    public void OnError(Exception error)
    {
    }

    public void OnCompleted()
    {
    }

    // Event ids 1600-1699 belong to the edge (limits and refusals before the routes).
    [LoggerMessage(1601, LogLevel.Debug, "Request from {RemoteAddress} refused with {Status} before any route: {Reason}")]
    private static partial void LogRejected(ILogger logger, string remoteAddress, int status, string reason);
}
