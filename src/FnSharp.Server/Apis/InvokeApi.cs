using System.Globalization;
using FnSharp.Agent.Calls;
using FnSharp.Agent.Protocol;
using FnSharp.Core.Errors;
using FnSharp.Core.Ids;
using FnSharp.Core.Storage;
using FnSharp.Server.Configuration;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace FnSharp.Server.Apis;

/// <summary><c>POST /invoke/{fnID}</c>: runs a call of a fn and streams its answer back (<c>fn-compat.md</c> section 3).</summary>
internal static class InvokeApi
{
    public static IEndpointRouteBuilder MapInvokeApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/invoke/{fnID}", InvokeFn);
        return routes;
    }

    public static async Task InvokeFn(string fnID, HttpContext context, IDataStore store, IAgent agent, IdGenerator ids, IOptions<ServerOptions> options)
    {
        var callId = ids.NewId();
        context.Response.Headers[FnHeaders.CallId] = callId;
        try
        {
            await RunCallAsync(fnID, callId, context, store, agent, options.Value);
        }
        catch (ApiException e) when (!context.Response.HasStarted)
        {
            // Answered here rather than by the error handler, which would drop Fn-Call-Id.
            await ApiJson.WriteErrorAsync(context.Response, e.Error);
        }
    }

    private static async Task RunCallAsync(string fnID, string callId, HttpContext context, IDataStore store, IAgent agent, ServerOptions options)
    {
        var request = context.Request;
        var response = context.Response;
        var cancellationToken = context.RequestAborted;

        var max = options.MaxRequestSize;
        if (request.ContentLength > max)
        {
            throw new ApiException(ApiErrors.RequestTooLarge(request.ContentLength.Value, max));
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max;
        }

        var fn = await store.GetFnAsync(fnID, cancellationToken) ?? throw new ApiException(ApiErrors.FnNotFound);
        var app = await store.GetAppByIdAsync(fn.AppId, cancellationToken) ?? throw new ApiException(ApiErrors.AppNotFound);
        var call = new CallRequest
        {
            CallId = callId,
            App = app,
            Fn = fn.WithDefaults(),
            Headers = [.. request.Headers.SelectMany(h => h.Value.Select(v => KeyValuePair.Create(h.Key, v ?? "")))],
            Body = request.Body,
            ContentLength = request.ContentLength,
        };

        await using var result = await agent.SubmitAsync(call, cancellationToken);
        if (result.Response is not { } answer)
        {
            if (result.RetryAfter is { } retryAfter)
            {
                response.Headers.RetryAfter = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            await ApiJson.WriteErrorAsync(response, result.Error ?? ApiErrors.Internal);
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        foreach (var header in answer.Headers.Concat(answer.Content.Headers))
        {
            if (!HopByHopHeaders.Contains(header.Key) && !header.Key.Equals(FnHeaders.CallId, StringComparison.OrdinalIgnoreCase))
            {
                response.Headers[header.Key] = header.Value.ToArray();
            }
        }

        await answer.Content.CopyToAsync(response.Body, cancellationToken);
    }
}
