using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using FnSharp.Agent.Calls;
using FnSharp.Core.Models;
using FnSharp.Core.Storage;
using FnSharp.Server.Detached;
using FnSharp.Server.Tests.Telemetry;
using FnSharp.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FnSharp.Server.Tests.Detached;

/// <summary>
/// Destinations (<c>fnsharp.io/on-success</c>, <c>fnsharp.io/on-failure</c>) through the real pipeline on a
/// SQLite file, with fake containers and a fake clock: their checks at create and update, and the calls
/// they make when a detached call ends.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class DestinationTests : IAsyncLifetime
{
    private readonly DetachedCallHarness _h = new();

    // The bodies each destination fn received, by fn id: written by the fake containers, read by the test.
    private readonly ConcurrentDictionary<string, ConcurrentQueue<JsonElement>> _received = new(StringComparer.Ordinal);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Create_DestinationByNameAndById_Stored()
    {
        var (appId, notifyId) = await _h.CreateFnAsync("app", "notify");

        var byName = await _h.PostJsonAsync("/v2/fns", FnBody(appId, "a", """{"fnsharp.io/on-success":"notify"}"""));
        var byId = await _h.PostJsonAsync("/v2/fns", FnBody(appId, "b", $$"""{"fnsharp.io/on-failure":"{{notifyId}}"}"""));

        Assert.Equal("notify", byName.GetProperty("annotations").GetProperty("fnsharp.io/on-success").GetString());
        Assert.Equal(notifyId, byId.GetProperty("annotations").GetProperty("fnsharp.io/on-failure").GetString());
    }

    [Theory]
    [InlineData("""{"fnsharp.io/on-success":"nosuch"}""", "Invalid annotation fnsharp.io/on-success 'nosuch': app 'app' has no fn of that name or id; create that fn first, or name another fn of the app")]
    [InlineData("""{"fnsharp.io/on-failure":"elsewhere"}""", "Invalid annotation fnsharp.io/on-failure 'elsewhere': app 'app' has no fn of that name or id; create that fn first, or name another fn of the app")]
    [InlineData("""{"fnsharp.io/on-success":"self"}""", "Invalid annotation fnsharp.io/on-success 'self': it makes a loop of destinations (self -> self); a fn may not be its own destination, directly or through other fns' destinations")]
    [InlineData("""{"fnsharp.io/on-failure":3}""", "Invalid annotation fnsharp.io/on-failure: name a fn of the same app, by its name or its id, as a string")]
    public async Task Create_BadDestination_400WithMessage(string annotations, string message)
    {
        var (appId, _) = await _h.CreateFnAsync("app", "fn");
        var otherApp = (await _h.PostJsonAsync("/v2/apps", """{"name":"other"}""")).GetProperty("id").GetString()!;
        await _h.PostJsonAsync("/v2/fns", FnBody(otherApp, "elsewhere", "{}"));

        using var response = await PostAsync("/v2/fns", FnBody(appId, "self", annotations));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(message, MessageOf(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Update_LoopThroughOtherFns_400NamingTheLoop_FnUnchanged()
    {
        var (appId, cId) = await _h.CreateFnAsync("app", "c");
        var b = (await _h.PostJsonAsync("/v2/fns", FnBody(appId, "b", """{"fnsharp.io/on-failure":"c"}"""))).GetProperty("id").GetString()!;
        await _h.PostJsonAsync("/v2/fns", FnBody(appId, "a", $$"""{"fnsharp.io/on-success":"{{b}}"}"""));

        using var response = await PutAsync($"/v2/fns/{cId}", """{"annotations":{"fnsharp.io/on-success":"a"}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(
            "Invalid annotation fnsharp.io/on-success 'a': it makes a loop of destinations (c -> a -> b -> c); a fn may not be its own destination, directly or through other fns' destinations",
            MessageOf(await response.Content.ReadAsStringAsync()));
        var stored = await _h.Services.GetRequiredService<IDataStore>().GetFnAsync(cId, CancellationToken.None);
        Assert.False(stored!.Annotations.ContainsKey(FnSharpAnnotations.OnSuccess));
    }

    [Fact]
    public async Task Update_RenameClosesLoopThroughADanglingName_400()
    {
        // a names "x", which no fn has; renaming c (whose destination is a) to x would close a -> x -> a.
        var (appId, cId) = await _h.CreateFnAsync("app", "c");
        await _h.PostJsonAsync("/v2/fns", FnBody(appId, "x", "{}"));
        var a = (await _h.PostJsonAsync("/v2/fns", FnBody(appId, "a", """{"fnsharp.io/on-success":"x"}"""))).GetProperty("id").GetString()!;
        var x = await FnIdAsync(appId, "x");
        using (var removed = await _h.Http.DeleteAsync(new Uri($"/v2/fns/{x}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        }

        await PutOkAsync($"/v2/fns/{cId}", $$$"""{"annotations":{"fnsharp.io/on-success":"{{{a}}}"}}""");

        using var response = await PutAsync($"/v2/fns/{cId}", """{"name":"x"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("it makes a loop of destinations (x -> a -> x)", MessageOf(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Success_OnSuccessCalledOnceWithTheEnd_OnFailureNot()
    {
        var (appId, onSuccess) = await _h.CreateFnAsync("app", "on-ok");
        var onFailure = await CreateFnAsync(appId, "on-bad", "{}");
        var fnId = await CreateFnAsync(appId, "work", """{"fnsharp.io/on-success":"on-ok","fnsharp.io/on-failure":"on-bad"}""");
        _h.Driver.SetHandler(fnId, context => context.Response.WriteAsync("the answer"));
        Record(onSuccess);
        Record(onFailure);

        var callId = await _h.InvokeDetachedAsync(fnId);
        Assert.Equal(DetachedSettlement.Completed, (await _h.NextAttemptAsync(callId)).Settlement);
        var destination = Assert.Single(await CallsOfAsync(onSuccess));
        Assert.Equal(DetachedSettlement.Completed, (await _h.NextAttemptAsync(destination.Id)).Settlement);

        var body = Assert.Single(_received[onSuccess]);
        var ended = await _h.GetCallAsync(fnId, callId);
        Assert.Equal(
            ("success", callId, fnId, "work", appId, "success", 200, JsonValueKind.Null, 1, "the answer", false, 10L),
            (Str(body, "condition"), Str(body, "call_id"), Str(body, "fn_id"), Str(body, "fn_name"), Str(body, "app_id"), Str(body, "status"),
                body.GetProperty("status_code").GetInt32(), body.GetProperty("error").ValueKind, body.GetProperty("attempts").GetInt32(),
                Str(body, "answer"), body.GetProperty("answer_truncated").GetBoolean(), body.GetProperty("answer_bytes").GetInt64()));
        Assert.Equal(ended.CompletedAt, body.GetProperty("completed_at").GetDateTimeOffset());
        Assert.Equal((CallTypes.Detached, CallStates.Success), (destination.Type, (await _h.GetCallAsync(onSuccess, destination.Id)).Status));
        Assert.Empty(await CallsOfAsync(onFailure));
        Assert.False(_received.ContainsKey(onFailure) && !_received[onFailure].IsEmpty);
    }

    [Fact]
    public async Task DeadLetter_OnFailureCalledOnceAfterTheLastRetry()
    {
        var (appId, onFailure) = await _h.CreateFnAsync("app", "on-bad");
        var fnId = await CreateFnAsync(appId, "work", """{"fnsharp.io/on-failure":"on-bad","fnsharp.io/async-retries":1}""");
        _h.Driver.SetHandler(fnId, async context =>
        {
            context.Response.StatusCode = 502;
            await context.Response.WriteAsync("""{"message":"boom"}""");
        });
        Record(onFailure);

        var callId = await _h.InvokeDetachedAsync(fnId);
        Assert.Equal(DetachedSettlement.Retried, (await _h.NextAttemptAsync(callId)).Settlement);
        Assert.Empty(await CallsOfAsync(onFailure));
        _h.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new DetachedAttempt(callId, DetachedSettlement.DeadLettered, CallStatus.FunctionFailed), await _h.NextAttemptAsync(callId));
        var destination = Assert.Single(await CallsOfAsync(onFailure));
        await _h.NextAttemptAsync(destination.Id);

        var body = Assert.Single(_received[onFailure]);
        // The runner answers a function failure with its own error (as Fn does): the fn's 502 body is not kept.
        Assert.Equal(
            ("failure", callId, "error", 502, "function failed", 2, JsonValueKind.Null, 0L),
            (Str(body, "condition"), Str(body, "call_id"), Str(body, "status"), body.GetProperty("status_code").GetInt32(), Str(body, "error"), body.GetProperty("attempts").GetInt32(),
                body.GetProperty("answer").ValueKind, body.GetProperty("answer_bytes").GetInt64()));
    }

    [Fact]
    public async Task Success_DestinationDeletedSince_LogAndMetric_CallStillSucceeds()
    {
        var (appId, onSuccess) = await _h.CreateFnAsync("app", "on-ok");
        var fnId = await CreateFnAsync(appId, "work", """{"fnsharp.io/on-success":"on-ok"}""");
        using (var removed = await _h.Http.DeleteAsync(new Uri($"/v2/fns/{onSuccess}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        }

        var callId = await _h.InvokeDetachedAsync(fnId);

        Assert.Equal(new DetachedAttempt(callId, DetachedSettlement.Completed, CallStatus.Success), await _h.NextAttemptAsync(callId));
        Assert.Equal(CallStates.Success, (await _h.GetCallAsync(fnId, callId)).Status);
        var line = Assert.Single(_h.Logs.Logger.Entries, e => e.EventId == 1581);
        Assert.Contains($"Call {callId} of fn {fnId} ended, and its fnsharp.io/on-success names 'on-ok', which is no fn of its app any more", line.Message, StringComparison.Ordinal);
        var metrics = await _h.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(1, PrometheusText.Samples(metrics, $"fn_id=\"{fnId}\"")["fnsharp_async_destinations_total{condition=\"success\",outcome=\"missing\"}"]);
    }

    [Fact]
    public async Task SyncCall_NoDestination()
    {
        var (appId, onSuccess) = await _h.CreateFnAsync("app", "on-ok");
        var fnId = await CreateFnAsync(appId, "work", """{"fnsharp.io/on-success":"on-ok"}""");

        using var response = await _h.InvokeAsync($"/invoke/{fnId}", "sync", invokeType: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await CallsOfAsync(onSuccess));
    }

    [Fact]
    public async Task Success_AnswerOver64KiB_CutAtACharacterAndFlagged()
    {
        var (appId, onSuccess) = await _h.CreateFnAsync("app", "on-ok");
        var fnId = await CreateFnAsync(appId, "work", """{"fnsharp.io/on-success":"on-ok"}""");

        // One ASCII byte, then two-byte characters: the 64 KiB cut falls inside a character.
        var answer = "x" + new string('é', 40_000);
        _h.Driver.SetHandler(fnId, context => context.Response.WriteAsync(answer));
        Record(onSuccess);

        var callId = await _h.InvokeDetachedAsync(fnId);
        await _h.NextAttemptAsync(callId);
        await _h.NextAttemptAsync(Assert.Single(await CallsOfAsync(onSuccess)).Id);

        var body = Assert.Single(_received[onSuccess]);
        var kept = Str(body, "answer")!;
        Assert.Equal(DetachedDestinations.MaxAnswerBytes - 1, Encoding.UTF8.GetByteCount(kept));
        Assert.StartsWith(kept, answer, StringComparison.Ordinal);
        Assert.True(body.GetProperty("answer_truncated").GetBoolean());
        Assert.Equal(80_001, body.GetProperty("answer_bytes").GetInt64());
    }

    private static string FnBody(string appId, string name, string annotations) =>
        $$"""{"app_id":"{{appId}}","name":"{{name}}","image":"fnsharp/test:1","annotations":{{annotations}}}""";

    private static string? Str(JsonElement body, string name) => body.GetProperty(name).GetString();

    private static string? MessageOf(string text) => JsonDocument.Parse(text).RootElement.GetProperty("message").GetString();

    private async Task<string> CreateFnAsync(string appId, string name, string annotations) =>
        (await _h.PostJsonAsync("/v2/fns", FnBody(appId, name, annotations))).GetProperty("id").GetString()!;

    private async Task<string> FnIdAsync(string appId, string name)
    {
        var fns = await _h.Services.GetRequiredService<IDataStore>().GetFnsAsync(new ListFilter { AppId = appId, Name = name }, CancellationToken.None);
        return Assert.Single(fns.Items).Id;
    }

    private async Task<IReadOnlyList<Call>> CallsOfAsync(string fnId) =>
        (await _h.Calls.GetCallsAsync(new CallFilter { FnId = fnId, PerPage = 100 }, CancellationToken.None)).Items;

    /// <summary>Makes <paramref name="fnId"/>'s fake container keep each body it gets.</summary>
    private void Record(string fnId)
    {
        var bodies = _received.GetOrAdd(fnId, _ => new ConcurrentQueue<JsonElement>());
        _h.Driver.SetHandler(fnId, async context =>
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body);
            bodies.Enqueue(document.RootElement.Clone());
            context.Response.StatusCode = 200;
        });
    }

    private Task<HttpResponseMessage> PostAsync(string path, string body) =>
        _h.Http.PostAsync(new Uri(path, UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));

    private Task<HttpResponseMessage> PutAsync(string path, string body) =>
        _h.Http.PutAsync(new Uri(path, UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));

    private async Task PutOkAsync(string path, string body)
    {
        using var response = await PutAsync(path, body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
