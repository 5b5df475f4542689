using System.Collections.Concurrent;
using System.Text.Json;
using FnSharp.Client;
using FnSharp.Core.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace FnSharp.Cli.Tests;

/// <summary>
/// The routes of detached calls, call records and logs, in front of the real server's pipeline, for
/// as long as main does not serve them (the async issue): <c>POST /invoke/{fnID}</c> with
/// <c>Fn-Invoke-Type: detached</c>, <c>GET /v2/fns/{fnID}/calls[/{callID}[/log]]</c> and
/// <c>POST .../redrive</c>, as the API contract of the CLI's brief gives them. Every other request goes
/// on to the real server, so names still resolve to ids there.
/// </summary>
internal sealed class CallsApiStub : IStartupFilter
{
    /// <summary>The calls of each fn, oldest first (lists answer newest first).</summary>
    public ConcurrentDictionary<string, List<Call>> Calls { get; } = new(StringComparer.Ordinal);

    /// <summary>The log of each call, by call id.</summary>
    public ConcurrentDictionary<string, string> Logs { get; } = new(StringComparer.Ordinal);

    /// <summary>The path and query of every request the stub answered.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>The body and content type of the last detached call.</summary>
    public (string Body, string? ContentType)? LastDetached { get; private set; }

    /// <summary>When set, a detached invocation is answered with this status and body instead of 202.</summary>
    public (int Status, string Body)? DetachedAnswer { get; set; }

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            if (!await TryAnswerAsync(context))
            {
                await nextMiddleware(context);
            }
        });
        next(app);
    };

    private async Task<bool> TryAnswerAsync(HttpContext context)
    {
        var request = context.Request;
        var parts = request.Path.Value!.Trim('/').Split('/');
        if (request.Method == "POST" && parts is ["invoke", var fnId] && request.Headers[FnSharpClient.InvokeTypeHeader] == FnSharpClient.DetachedInvokeType)
        {
            Requests.Enqueue(request.Path + request.QueryString);
            using var reader = new StreamReader(request.Body);
            LastDetached = (await reader.ReadToEndAsync(), request.ContentType);
            if (DetachedAnswer is { } answer)
            {
                await WriteAsync(context, answer.Status, answer.Body);
                return true;
            }

            var id = Guid.NewGuid().ToString("N")[..26].ToUpperInvariant();
            Calls.GetOrAdd(fnId, _ => []).Add(new Call { Id = id, FnId = fnId, Type = CallTypes.Detached, Status = CallStates.Queued });
            context.Response.Headers["Fn-Call-Id"] = id;
            await WriteAsync(context, 202, JsonSerializer.Serialize(new { call_id = id }));
            return true;
        }

        if (parts is not ["v2", "fns", var fn, "calls", ..])
        {
            return false;
        }

        Requests.Enqueue(request.Path + request.QueryString);
        var calls = Calls.GetOrAdd(fn, _ => []);
        switch (request.Method, parts[4..])
        {
            case ("GET", []):
                var query = request.Query;
                var matching = Enumerable.Reverse(calls)
                    .Where(c => query["status"].Count == 0 || c.Status == query["status"])
                    .Where(c => query["dead_letter"].Count == 0 || c.DeadLetter == (query["dead_letter"] == "true"))
                    .SkipWhile(c => query["cursor"].Count > 0 && c.Id != query["cursor"]).Skip(query["cursor"].Count > 0 ? 1 : 0)
                    .ToList();
                var perPage = query["per_page"].Count > 0 ? int.Parse(query["per_page"]!, System.Globalization.CultureInfo.InvariantCulture) : 30;
                var page = matching.Take(perPage).ToList();
                await WriteAsync(context, 200, JsonSerializer.Serialize(new ListPage<Call>(page, matching.Count > perPage ? page[^1].Id : null)));
                return true;
            case ("GET", [var id]):
                var found = calls.Find(c => c.Id == id);
                await WriteAsync(context, found is null ? 404 : 200, found is null ? """{"message":"Call not found"}""" : JsonSerializer.Serialize(found));
                return true;
            case ("GET", [var id, "log"]):
                if (calls.Find(c => c.Id == id) is null)
                {
                    await WriteAsync(context, 404, """{"message":"Call not found"}""");
                }
                else if (Logs.TryGetValue(id, out var log))
                {
                    context.Response.ContentType = "text/plain";
                    await context.Response.WriteAsync(log);
                }
                else
                {
                    await WriteAsync(context, 404, """{"message":"Call log not found"}""");
                }

                return true;
            case ("POST", [var id, "redrive"]):
                var index = calls.FindIndex(c => c.Id == id);
                if (index < 0)
                {
                    await WriteAsync(context, 404, """{"message":"Call not found"}""");
                }
                else if (!calls[index].DeadLetter)
                {
                    await WriteAsync(context, 409, """{"message":"Call is not a dead letter"}""");
                }
                else
                {
                    calls[index] = calls[index] with { Status = CallStates.Queued, DeadLetter = false, Attempts = 0, CompletedAt = null, Error = null };
                    await WriteAsync(context, 202, JsonSerializer.Serialize(calls[index]));
                }

                return true;
            default:
                return false;
        }
    }

    private static async Task WriteAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    }
}
