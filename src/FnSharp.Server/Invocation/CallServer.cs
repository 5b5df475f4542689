using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using FnSharp.Agent.Calls;
using FnSharp.Agent.Protocol;
using FnSharp.Core.Ids;
using FnSharp.Server.Calls;
using FnSharp.Server.Detached;
using FnSharp.Server.Edge;
using Microsoft.AspNetCore.Http.Features;

namespace FnSharp.Server.Invocation;

/// <summary>
/// Serves one call for <c>/invoke</c> and <c>/t</c> alike (<c>fn-compat.md</c> section 3): gives it
/// an id (<c>Fn-Call-Id</c> on every answer, errors included), enforces <c>FN_MAX_REQUEST_SIZE</c>,
/// resolves the fn, and either accepts a detached call (<see cref="DetachedCallAcceptor"/>) or runs the
/// call through the <see cref="CallExecutor"/>, which streams the answer back within
/// <c>FN_MAX_RESPONSE_SIZE</c>. For triggers the headers are rewritten both ways (<see cref="TriggerHeaders"/>).
/// Every call that reached the agent is handed to the <see cref="CallRecorder"/> when it ends, unless
/// <c>FN_CALL_RECORDS</c> turns the records of synchronous calls off.
/// </summary>
internal sealed partial class CallServer(CallExecutor executor, IdGenerator ids, TimeProvider time, CallRecorder recorder, IOptions<ServerOptions> settings, ILogger<CallServer> logger)
{
    private readonly ServerOptions _options = settings.Value;

    /// <summary>What a route resolved a request to.</summary>
    /// <param name="App">The fn's app.</param>
    /// <param name="Fn">The fn to call.</param>
    /// <param name="Trigger">The HTTP trigger called, for <c>/t</c>.</param>
    public sealed record Target(App App, Fn Fn, Trigger? Trigger = null);

    /// <summary>Serves the call of <paramref name="context"/>.</summary>
    /// <param name="context">The client's request.</param>
    /// <param name="resolveAsync">Finds the fn; throws <see cref="ApiException"/> (404) when there is none.</param>
    /// <param name="trigger">Whether this is an HTTP trigger call, whose headers are rewritten.</param>
    public async Task ServeAsync(HttpContext context, Func<CancellationToken, Task<Target>> resolveAsync, bool trigger)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(resolveAsync);
        var callId = ids.NewId();
        var arrived = ApiTime.Now(time);
        context.Response.Headers[FnHeaders.CallId] = callId;
        Call? call = null;
        try
        {
            CheckRequestSize(context, callId);
            var requestedDetached = DetachedCallAcceptor.RequestedDetached(context.Request);
            var target = await resolveAsync(context.RequestAborted);
            call = new Call { Id = callId, AppId = target.App.Id, FnId = target.Fn.Id, CreatedAt = arrived };
            if (requestedDetached ?? target.Trigger?.Annotations.ContainsKey(DetachedCallAcceptor.InvokeTypeAnnotation) ?? false)
            {
                // Resolved only here, so that synchronous calls never depend on the call store.
                var detached = context.RequestServices.GetRequiredService<DetachedCallAcceptor>();
                if (requestedDetached is true || detached.TriggerDetached(target.Trigger))
                {
                    call = call with { Type = CallTypes.Detached };
                    await detached.AcceptAsync(context, callId, target, ContainerHeaders(context.Request, trigger, callId), _options.MaxRequestSize);
                    return;
                }
            }

            await RunAsync(context, call, target, trigger);
        }
        catch (ApiException e) when (!context.Response.HasStarted)
        {
            // Answered here rather than by the error handler, which would drop Fn-Call-Id.
            RecordRefusal(context, call, e.Error);
            await ApiJson.WriteErrorAsync(context.Response, e.Error);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            // A body Kestrel or the edge refused (400, 408, 431): answered by the error handler, which closes a slow client's connection.
            RecordRefusal(context, call, ErrorHandling.ErrorOf(e, context)!);
            throw;
        }
    }

    /// <summary>
    /// Records a call refused before it reached the agent (its body malformed, too slow or too large, its headers too
    /// large for the function), so that the <c>Fn-Call-Id</c> its client got names a call: <c>error</c> with the status
    /// and message of the answer, no attempt (Fn gives the id too, and kept no record of a call that never ran). A request
    /// refused before its fn was found (404, or 413 by <c>Content-Length</c>) has no fn to file it under; a client gone
    /// gets no answer and no record.
    /// </summary>
    private void RecordRefusal(HttpContext context, Call? call, ApiError error)
    {
        if (call is null || !_options.CallRecords || context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        recorder.Record(call with { Status = CallStates.Error, StatusCode = error.Status, Error = error.Message, CompletedAt = ApiTime.Now(time) }, execution: null);
    }

    private void CheckRequestSize(HttpContext context, string callId)
    {
        var max = _options.MaxRequestSize;
        if (context.Request.ContentLength is { } length && length > max)
        {
            // The fn is not looked up yet (413 comes before 404, as in Fn): the path names it.
            LogRequestTooLarge(logger, callId, context.Request.Path, length, max);
            throw new ApiException(ApiErrors.RequestTooLarge(length, max));
        }

        // A chunked body is held to the limit with Fn's message when it is read (ReadBodyAsync here,
        // DetachedCallAcceptor for a detached call), not by Kestrel, whose bare 413 would carry no message.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }
    }

    private async Task RunAsync(HttpContext context, Call call, Target target, bool trigger)
    {
        var request = context.Request;
        var requestBody = await ReadBodyAsync(context, call.Id);
        var callRequest = new CallRequest
        {
            CallId = call.Id,
            App = target.App,
            Fn = target.Fn.WithDefaults(),
            Headers = ContainerHeaders(request, trigger, call.Id),
            Body = requestBody,
            ContentLength = requestBody.Length,
            OutlivesCaller = true,
        };

        // Disposed last: the client is answered before the container is freed (or killed). Only a trigger's
        // Fn-Http-Status can give the answer a status without a body, whose bytes are then dropped.
        var destination = trigger ? new TriggerResponseBody(context.Response) : context.Response.Body;
        await using var outcome = await executor.RunAsync(callRequest, destination, answer => Start(context.Response, answer, trigger), context.RequestAborted);
        if (outcome.Failure is { } failure)
        {
            // The client went away (the call is recorded as cancelled, with where it ran and its output) or the answer broke off.
            Record(outcome.Record(call, ApiTime.Now(time)), outcome);
            failure.Throw();
        }

        Record(outcome.Record(call, ApiTime.Now(time)), outcome);
        if (!outcome.Answered)
        {
            await WriteFailureAsync(context.Response, outcome);
            return;
        }

        switch (outcome.Copied)
        {
            case BodyCopyResult.TooLarge:
                LogResponseTooLarge(logger, call.Id, target.Fn.Id, _options.MaxResponseSize);
                await ApiJson.WriteErrorAsync(context.Response, CallExecutor.ResponseTooLarge);
                break;
            case BodyCopyResult.TooLargeAfterStart:
                // The status is sent: cutting the connection is the only way to tell the client.
                LogResponseTooLarge(logger, call.Id, target.Fn.Id, _options.MaxResponseSize);
                context.Abort();
                break;
        }
    }

    /// <summary>Commits the function's answer to the client: its status and headers, rewritten for a trigger call; returns the status sent.</summary>
    private static int Start(HttpResponse response, HttpResponseMessage answer, bool trigger)
    {
        var headers = new List<KeyValuePair<string, string[]>>();
        AddForwarded(answer.Headers, headers);
        AddForwarded(answer.Content.Headers, headers);
        var (status, mapped) = trigger ? TriggerHeaders.FromContainer(StatusCodes.Status200OK, headers) : (StatusCodes.Status200OK, headers);
        response.StatusCode = status;
        foreach (var (name, values) in mapped)
        {
            response.Headers[name] = values;
        }

        return status;
    }

    /// <summary>
    /// Adds the headers of the function's answer that go on to the client to <paramref name="forwarded"/>: as the
    /// container sent them (not parsed and written again, as a proxy passes them on), without hop-by-hop ones,
    /// <c>Fn-Call-Id</c> and <c>Content-Length</c>.
    /// </summary>
    private static void AddForwarded(HttpHeaders headers, List<KeyValuePair<string, string[]>> forwarded)
    {
        foreach (var (name, values) in headers.NonValidated)
        {
            if (HopByHopHeaders.Contains(name) || name.Equals(FnHeaders.CallId, StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var array = new string[values.Count];
            var i = 0;
            foreach (var value in values)
            {
                array[i++] = value;
            }

            forwarded.Add(KeyValuePair.Create(name, array));
        }
    }

    /// <summary>
    /// Reads the client's whole body within <c>FN_MAX_REQUEST_SIZE</c> before the call reaches the agent,
    /// as Fn's server does: a body that is malformed (400), stalls (408, <c>Edge/RequestBodyGuard</c>), runs
    /// over the limit (413) or is cut off by its client is the client's fault, answered here, never sent to
    /// a container and never recorded against the fn. Streamed to the container instead, it broke the
    /// container's connection mid-call: the warm container was killed and the call recorded as its 502.
    /// </summary>
    /// <exception cref="ApiException">413 <see cref="ApiErrors.RequestTooLarge"/>.</exception>
    /// <exception cref="BadHttpRequestException">Kestrel's or the edge's 400 or 408.</exception>
    private async Task<MemoryStream> ReadBodyAsync(HttpContext context, string callId)
    {
        ReadOnlyMemory<byte> body;
        try
        {
            body = await ApiJson.ReadBodyAsync(context.Request, _options.MaxRequestSize, context.RequestAborted);
        }
        catch (ApiException e) when (e.Error.Status == StatusCodes.Status413PayloadTooLarge)
        {
            LogChunkedRequestTooLarge(logger, callId, context.Request.Path, _options.MaxRequestSize);
            throw;
        }

        return MemoryMarshal.TryGetArray(body, out var bytes)
            ? new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false)
            : new MemoryStream(body.ToArray(), writable: false);
    }

    /// <summary>Hands the record of a call that ended to the recorder, unless <c>FN_CALL_RECORDS</c> is off.</summary>
    /// <param name="ended">The call as it ended.</param>
    /// <param name="outcome">How it ended: where it ran, when it reached a container (its output becomes the call's log), or why its container would not start.</param>
    private void Record(Call ended, CallOutcome outcome)
    {
        if (_options.CallRecords)
        {
            recorder.Record(ended, outcome.Execution, outcome.FailureLog);
        }
    }

    /// <summary>
    /// The headers sent to the container for <paramref name="request"/>: the client's, rewritten for a trigger call.
    /// A trigger call's headers grow on the way (the URL again in <c>Fn-Http-Request-Url</c>, <c>Fn-Http-H-</c> before
    /// each name), so a request within <c>FN_MAX_REQUEST_LINE_SIZE</c> and <c>FN_MAX_REQUEST_HEADERS_SIZE</c> can still
    /// exceed what the function's FDK accepts, which would break the container's connection and kill it: such a call
    /// is refused here, before any container is involved.
    /// </summary>
    /// <exception cref="ApiException">431 <see cref="EdgeErrors.ForwardedHeadersTooLarge"/>.</exception>
    private List<KeyValuePair<string, string>> ContainerHeaders(HttpRequest request, bool trigger, string callId)
    {
        var clientHeaders = new List<KeyValuePair<string, string>>(request.Headers.Count);
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values)
            {
                clientHeaders.Add(KeyValuePair.Create(name, value ?? ""));
            }
        }

        if (!trigger)
        {
            return clientHeaders;
        }

        var headers = TriggerHeaders.ToContainer(clientHeaders, request.Method, $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}{request.QueryString}");
        var bytes = headers.Sum(h => (long)h.Key.Length + h.Value.Length);
        if (bytes > EdgeErrors.ForwardedHeadersMax)
        {
            LogForwardedHeadersTooLarge(logger, callId, request.Path, bytes, EdgeErrors.ForwardedHeadersMax);
            throw new ApiException(EdgeErrors.ForwardedHeadersTooLarge(bytes));
        }

        return headers;
    }

    private static Task WriteFailureAsync(HttpResponse response, CallOutcome outcome)
    {
        if (outcome.RetryAfter is { } retryAfter)
        {
            response.Headers.RetryAfter = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return ApiJson.WriteErrorAsync(response, outcome.Error ?? ApiErrors.Internal);
    }

    // Event ids 1200-1299 belong to call serving.
    [LoggerMessage(1201, LogLevel.Warning, "Call {CallId} of fn {FnId} answered more than FN_MAX_RESPONSE_SIZE={MaxBytes} bytes; refused with 502")]
    private static partial void LogResponseTooLarge(ILogger logger, string callId, string fnId, long maxBytes);

    [LoggerMessage(1202, LogLevel.Warning, "Call {CallId} to {Path} refused, request too large: {Length} bytes, more than FN_MAX_REQUEST_SIZE={MaxBytes} bytes")]
    private static partial void LogRequestTooLarge(ILogger logger, string callId, string path, long length, long maxBytes);

    [LoggerMessage(1204, LogLevel.Warning, "Call {CallId} to {Path} refused, its headers as forwarded to the container would be {Bytes} bytes, more than the {MaxBytes} an FDK is sure to accept")]
    private static partial void LogForwardedHeadersTooLarge(ILogger logger, string callId, string path, long bytes, int maxBytes);

    [LoggerMessage(1203, LogLevel.Warning, "Call {CallId} to {Path} refused, chunked request body over FN_MAX_REQUEST_SIZE={MaxBytes} bytes")]
    private static partial void LogChunkedRequestTooLarge(ILogger logger, string callId, string path, long maxBytes);
}
