using System.Text.Json;
using FnSharp.Server.Invocation;

namespace FnSharp.Server.Detached;

/// <summary>
/// Accepts detached calls (<c>Fn-Invoke-Type: detached</c> on <c>/invoke</c> and <c>/t</c>, or the
/// trigger annotation <c>fnsharp.io/invoke-type: "detached"</c>): the body is read (within
/// <c>FN_MAX_REQUEST_SIZE</c>), the call and what to send to its container are committed to the queue
/// of <see cref="ICallStore"/>, and only then the client gets 202 with <c>Fn-Call-Id</c> and
/// <c>{"call_id":"..."}</c>. <see cref="DetachedCallWorker"/> runs it later (<c>docs/api.md</c>).
/// </summary>
internal sealed partial class DetachedCallAcceptor(ICallStore calls, DetachedCallWorker worker, DetachedCallMetrics metrics, TimeProvider time, ILogger<DetachedCallAcceptor> logger)
{
    /// <summary>The request header that asks for a detached call (Fn's name).</summary>
    public const string InvokeTypeHeader = "Fn-Invoke-Type";

    /// <summary>The trigger annotation that makes every call of an HTTP trigger detached.</summary>
    public const string InvokeTypeAnnotation = FnSharpAnnotations.InvokeType;

    /// <summary>503: the call could not be stored, so it was not accepted.</summary>
    public static readonly ApiError NotQueued = new(503, "Could not queue the detached call: the datastore failed; the call was not accepted, send it again");

    /// <summary>
    /// The invoke type <paramref name="request"/> asks for: <see langword="true"/> for <c>detached</c>,
    /// <see langword="false"/> for <c>sync</c> (both in any case), <see langword="null"/> without the header.
    /// </summary>
    /// <exception cref="ApiException">400 for any other value.</exception>
    public static bool? RequestedDetached(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Headers.TryGetValue(InvokeTypeHeader, out var values) || values.Count == 0)
        {
            return null;
        }

        return values.Count == 1 ? FnSharpAnnotations.ParseInvokeType(values[0]) ?? throw BadInvokeType(values[0]) : throw BadInvokeType(values.ToString());
    }

    /// <summary>Whether <paramref name="trigger"/>'s annotation makes its calls detached; a value other than <c>"detached"</c> or <c>"sync"</c> is logged and ignored.</summary>
    public bool TriggerDetached(Trigger? trigger)
    {
        if (trigger is null || !trigger.Annotations.TryGetValue(InvokeTypeAnnotation, out var value))
        {
            return false;
        }

        if (value.ValueKind == JsonValueKind.String && FnSharpAnnotations.ParseInvokeType(value.GetString()) is { } detached)
        {
            return detached;
        }

        LogBadTriggerInvokeType(logger, trigger.Id, InvokeTypeAnnotation, value.GetRawText());
        return false;
    }

    /// <summary>Stores the call and answers 202; the body is read up to <paramref name="maxBytes"/>.</summary>
    /// <param name="context">The client's request.</param>
    /// <param name="callId">The call's id, already on the response as <c>Fn-Call-Id</c>.</param>
    /// <param name="target">The resolved app and fn.</param>
    /// <param name="headers">The headers for the container, built as for a synchronous call.</param>
    /// <param name="maxBytes"><c>FN_MAX_REQUEST_SIZE</c>.</param>
    /// <exception cref="ApiException">413 for a body over <paramref name="maxBytes"/>.</exception>
    public async Task AcceptAsync(HttpContext context, string callId, CallServer.Target target, IReadOnlyList<KeyValuePair<string, string>> headers, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(target);
        var body = (await ApiJson.ReadBodyAsync(context.Request, maxBytes, context.RequestAborted)).ToArray();
        var call = Call.QueuedDetached(callId, target.App.Id, target.Fn.Id, ApiTime.Now(time));
        try
        {
            // Not cancelled by the client going away: once read, the call is stored or refused as a whole.
            await calls.EnqueueCallAsync(call, new CallPayload(headers, body), CancellationToken.None);
        }
        catch (Exception e) when (e is not ApiException and not OutOfMemoryException)
        {
            LogEnqueueFailed(logger, e, callId, target.Fn.Id);
            context.Response.Headers.RetryAfter = "1";
            await ApiJson.WriteErrorAsync(context.Response, NotQueued);
            return;
        }

        metrics.Accepted.Add(1, DetachedCallMetrics.Fn(target.Fn.Id));
        LogAccepted(logger, callId, target.Fn.Id, body.Length);
        worker.Wake();
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        await context.Response.WriteAsJsonAsync(new DetachedCallBody(callId), ApiJsonContext.Default.DetachedCallBody, ApiJson.ContentType, CancellationToken.None);
    }

    private static ApiException BadInvokeType(string? value) =>
        new(new ApiError(400, $"Invalid {InvokeTypeHeader} '{value}': use 'sync' (the default) or 'detached'"));


    // Event ids 1500-1599 belong to detached calls: 1550-1569 to their acceptance.
    [LoggerMessage(1550, LogLevel.Debug, "Detached call {CallId} of fn {FnId} accepted ({Bytes} bytes)")]
    private static partial void LogAccepted(ILogger logger, string callId, string fnId, int bytes);

    [LoggerMessage(1551, LogLevel.Error, "Detached call {CallId} of fn {FnId} could not be stored; answered 503, the call is not accepted")]
    private static partial void LogEnqueueFailed(ILogger logger, Exception exception, string callId, string fnId);

    [LoggerMessage(1552, LogLevel.Warning, "Trigger {TriggerId} has an annotation {Annotation} of {Value}, neither \"detached\" nor \"sync\"; its calls run synchronously")]
    private static partial void LogBadTriggerInvokeType(ILogger logger, string triggerId, string annotation, string value);
}
