using System.Globalization;
using System.Net;
using System.Text.Json;
using FnSharp.Agent.Drivers;
using FnSharp.Server.Calls;
using FnSharp.Testing;
using FnSharp.Testing.Fakes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FnSharp.Server.Tests.Apis;

/// <summary>
/// Call records and logs of synchronous calls through the real HTTP pipeline: fake containers, a fake
/// clock and a real SQLite file. Records are written behind the calls; the tests flush the recorder
/// (<see cref="CallRecorder.FlushAsync"/>) instead of waiting.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class CallsApiTests : IAsyncLifetime
{
    private const string Arrival = "2026-11-30T10:29:07.577Z";

    private readonly ApiHarness _api = new();
    private HttpClient? _http;

    public CallsApiTests()
    {
        // The fake containers' output is there when the call ends: no need to wait for it.
        _api.Server.Settings["FN_CALL_LOG_WAIT_MSECS"] = "0";
    }

    private HttpClient Http => _http ??= _api.Server.CreateClient();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task Invoke_Success_RecordWithEveryField()
    {
        var (appId, fnId) = await CreateFnAsync();

        var call = await InvokeAsync(fnId);
        await FlushRecordsAsync();
        var record = ApiHarness.Ok(await _api.GetAsync($"/v2/fns/{fnId}/calls/{call.Id}"));

        Assert.Equal(HttpStatusCode.OK, call.Status);
        Assert.Equal(
            $$"""{"id":"{{call.Id}}","app_id":"{{appId}}","fn_id":"{{fnId}}","type":"sync","status":"success","status_code":200,"created_at":"{{Arrival}}","started_at":"{{Arrival}}","completed_at":"{{Arrival}}","attempts":1,"container_id":"{{call.ContainerId}}","dead_letter":false,""" +
            "\"start_kind\":\"cold\",\"start_phases_ms\":{\"create\":0,\"start\":0,\"ready\":0},\"timeline_ms\":{\"waiting\":0,\"starting\":0,\"running\":0}}",
            record.GetRawText());
    }

    [Fact]
    public async Task Invoke_FunctionFailed_RecordedAsErrorWithTheMessage()
    {
        var (_, fnId) = await CreateFnAsync();
        _api.Driver.SetHandler(fnId, context =>
        {
            context.Response.StatusCode = 502;
            return Task.CompletedTask;
        });

        var call = await InvokeAsync(fnId);
        await FlushRecordsAsync();
        var record = ApiHarness.Ok(await _api.GetAsync($"/v2/fns/{fnId}/calls/{call.Id}"));

        Assert.Equal(HttpStatusCode.BadGateway, call.Status);
        Assert.Equal(("error", 502, "function failed", 1, Assert.Single(_api.Driver.Containers).Id), Summary(record));
        Assert.Equal(Arrival, record.GetProperty("started_at").GetString());
    }

    [Fact]
    public async Task Invoke_TooBusy_RefusalRecordedWithoutContainer()
    {
        _api.Server.Settings["FN_MAX_WAIT_MSECS"] = "0";
        var (_, fnId) = await CreateFnAsync();

        var call = await InvokeAsync(fnId);
        await FlushRecordsAsync();
        var record = ApiHarness.Ok(await _api.GetAsync($"/v2/fns/{fnId}/calls/{call.Id}"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, call.Status);
        Assert.Equal(("error", 503, "Timed out - server too busy", 0, null), Summary(record));
        Assert.False(record.TryGetProperty("started_at", out _));
        Assert.Equal(Arrival, record.GetProperty("completed_at").GetString());
    }

    [Fact]
    public async Task Invoke_ClientGoesAwayMidCall_RecordedAsCancelledWithItsContainerAndLogAndTheContainerKept()
    {
        var (_, fnId) = await CreateFnAsync();
        var entered = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _api.Driver.SetHandler(fnId, async context =>
        {
            var container = FakeContainer.Of(context);
            container.AddCallLog(context.Request.Headers["Fn-Call-Id"].ToString(), new ContainerLogLine(ContainerOutput.Stdout, "working"));
            entered.SetResult(container.Id);
            await finish.Task;
            await context.Response.WriteAsync("too late");
        });
        using var ended = new RequestEnd($"/invoke/{fnId}");
        using var client = new CancellationTokenSource();

        var sent = Http.PostAsync(new Uri($"/invoke/{fnId}", UriKind.Relative), new StringContent("x"), client.Token);
        var containerId = await entered.Task;
        await client.CancelAsync();

        // The call outlives its client: it ends when the function answers, and its container stays.
        finish.SetResult();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sent);
        await ended.Task;
        await FlushRecordsAsync();
        var calls = ApiHarness.Ok(await _api.GetAsync($"/v2/fns/{fnId}/calls"));

        var record = Assert.Single(calls.GetProperty("items").EnumerateArray());
        Assert.Equal(("cancelled", null, null, 1, containerId), Summary(record));
        Assert.Equal(Arrival, record.GetProperty("started_at").GetString());
        Assert.Equal("working\n", await Http.GetStringAsync(new Uri($"/v2/fns/{fnId}/calls/{record.GetProperty("id").GetString()}/log", UriKind.Relative)));
        Assert.Equal(1, _api.Driver.LiveCount);
    }

    [Fact]
    public async Task Trigger_Success_RecordKeepsTheStatusTheClientGot()
    {
        var (appId, fnId) = await CreateFnAsync();
        await _api.CreateTriggerAsync(appId, fnId, "t", "/orders");
        _api.Driver.SetHandler(fnId, context =>
        {
            context.Response.Headers["Fn-Http-Status"] = "201";
            return Task.CompletedTask;
        });

        using var response = await Http.PostAsync(new Uri("/t/app-fn/orders", UriKind.Relative), new StringContent("x"));
        await FlushRecordsAsync();
        var record = ApiHarness.Ok(await _api.GetAsync($"/v2/fns/{fnId}/calls/{response.Headers.GetValues("Fn-Call-Id").Single()}"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(("success", 201, null, 1, Assert.Single(_api.Driver.Containers).Id), Summary(record));
    }

    [Fact]
    public async Task Log_CallWroteLines_ServedAsTextOnlyItsOwn()
    {
        var (_, fnId) = await CreateFnAsync();
        _api.Driver.SetHandler(fnId, async context =>
        {
            var callId = context.Request.Headers["Fn-Call-Id"].ToString();
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            FakeContainer.Of(context).AddCallLog(callId, new ContainerLogLine(ContainerOutput.Stdout, body + " out"));
            FakeContainer.Of(context).AddCallLog(callId, new ContainerLogLine(ContainerOutput.Stderr, body + " err"));
        });

        var first = await InvokeAsync(fnId, "first");
        var second = await InvokeAsync(fnId, "second");
        await FlushRecordsAsync();
        using var log = await Http.GetAsync(new Uri($"/v2/fns/{fnId}/calls/{second.Id}/log", UriKind.Relative));

        Assert.Equal(first.ContainerId, second.ContainerId);
        Assert.Equal(HttpStatusCode.OK, log.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", log.Content.Headers.ContentType?.ToString());
        Assert.Equal("second out\nsecond err\n", await log.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Log_OverTheCap_CutWithTheMarker()
    {
        _api.Server.Settings["FN_MAX_LOG_SIZE_BYTES"] = "10";
        var (_, fnId) = await CreateFnAsync();
        _api.Driver.SetHandler(fnId, context =>
        {
            var callId = context.Request.Headers["Fn-Call-Id"].ToString();
            FakeContainer.Of(context).AddCallLog(callId, new ContainerLogLine(ContainerOutput.Stdout, "abcd"));
            FakeContainer.Of(context).AddCallLog(callId, new ContainerLogLine(ContainerOutput.Stdout, "efgh"));
            FakeContainer.Of(context).AddCallLog(callId, new ContainerLogLine(ContainerOutput.Stdout, "ijkl"));

            return Task.CompletedTask;
        });

        var call = await InvokeAsync(fnId);
        await FlushRecordsAsync();

        Assert.Equal("abcd\nefgh\n[fnsharp: log truncated at FN_MAX_LOG_SIZE_BYTES=10, 1 line dropped]\n", await Http.GetStringAsync(new Uri($"/v2/fns/{fnId}/calls/{call.Id}/log", UriKind.Relative)));
    }

    [Fact]
    public async Task Log_CallWroteNothing_404CallLogNotFound()
    {
        var (_, fnId) = await CreateFnAsync();

        var call = await InvokeAsync(fnId);
        await FlushRecordsAsync();
        using var log = await Http.GetAsync(new Uri($"/v2/fns/{fnId}/calls/{call.Id}/log", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, log.StatusCode);
        Assert.Equal("""{"message":"Call log not found"}""", await log.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task List_ThreeCalls_NewestFirstPagedByCursor()
    {
        var (_, fnId) = await CreateFnAsync();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await InvokeAsync(fnId)).Id);
        }

        await FlushRecordsAsync();
        var all = ApiHarness.Ok(await _api.GetAsync($"/v2/fns/{fnId}/calls"));
        var first = ApiHarness.Ok(await _api.GetAsync($"/v2/fns/{fnId}/calls?per_page=2"));
        var second = ApiHarness.Ok(await _api.GetAsync($"/v2/fns/{fnId}/calls?per_page=2&cursor={first.GetProperty("next_cursor").GetString()}"));

        ids.Reverse();
        Assert.Equal(ids, Ids(all));
        Assert.False(all.TryGetProperty("next_cursor", out _));
        Assert.Equal(ids[..2], Ids(first));
        Assert.Equal(ids[2..], Ids(second));
        Assert.False(second.TryGetProperty("next_cursor", out _));
    }

    [Fact]
    public async Task List_Filters_StatusDeadLetterAndTimeRange()
    {
        var (_, fnId) = await CreateFnAsync();
        _api.Driver.SetHandler(fnId, async context =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            context.Response.StatusCode = body == "fail" ? 502 : 200;
        });
        var ok1 = await InvokeAsync(fnId);
        _api.Time.Advance(TimeSpan.FromSeconds(1));
        var failed = await InvokeAsync(fnId, "fail");
        _api.Time.Advance(TimeSpan.FromSeconds(1));
        var ok2 = await InvokeAsync(fnId);
        await FlushRecordsAsync();
        var arrival = DateTimeOffset.Parse(Arrival, CultureInfo.InvariantCulture);

        Assert.Equal([failed.Id], await ListIdsAsync(fnId, "status=error"));
        Assert.Equal([ok2.Id, ok1.Id], await ListIdsAsync(fnId, "status=success"));
        Assert.Empty(await ListIdsAsync(fnId, "status=queued"));
        Assert.Equal([ok2.Id, failed.Id, ok1.Id], await ListIdsAsync(fnId, "dead_letter=false"));
        Assert.Empty(await ListIdsAsync(fnId, "dead_letter=true"));
        Assert.Equal([ok2.Id, failed.Id], await ListIdsAsync(fnId, "from_time=2026-11-30T10:29:08.577Z"));
        Assert.Equal([ok2.Id, failed.Id], await ListIdsAsync(fnId, "from_time=2026-11-30T11:29:08.577%2B01:00"));
        Assert.Equal([failed.Id, ok1.Id], await ListIdsAsync(fnId, $"to_time={arrival.AddSeconds(2).ToUnixTimeSeconds()}"));
        Assert.Equal([failed.Id], await ListIdsAsync(fnId, "from_time=2026-11-30T10:29:08Z&to_time=2026-11-30T10:29:09Z"));
        Assert.Equal([failed.Id], await ListIdsAsync(fnId, "status=error&from_time=2026-11-30T10:29:07.578Z"));

        // Go's RFC3339Nano (Fn's clients): nine digits, and more, compared exactly.
        Assert.Equal([ok2.Id, failed.Id, ok1.Id], await ListIdsAsync(fnId, "from_time=2026-11-30T10:29:07.577000000Z"));
        Assert.Equal([ok2.Id, failed.Id], await ListIdsAsync(fnId, "from_time=2026-11-30T10:29:07.577000001Z"));
        Assert.Equal([ok1.Id], await ListIdsAsync(fnId, "to_time=2026-11-30T10:29:07.5770000000001z"));
        Assert.Equal([ok2.Id, failed.Id, ok1.Id], await ListIdsAsync(fnId, "to_time=9999-12-31T23:59:59.999999999999Z"));
    }

    [Theory]
    [InlineData("status=done", "invalid status: use one of queued, running, success, error, timeout, cancelled")]
    [InlineData("dead_letter=maybe", "invalid dead_letter: use true or false")]
    [InlineData("from_time=yesterday", "invalid from_time 'yesterday': use an RFC 3339 time such as 2026-11-30T10:29:07Z, or Unix seconds")]
    [InlineData("to_time=2026-11-30T10:29:07", "invalid to_time '2026-11-30T10:29:07': use an RFC 3339 time such as 2026-11-30T10:29:07Z, or Unix seconds")]
    [InlineData("to_time=-5", "invalid to_time '-5': use an RFC 3339 time such as 2026-11-30T10:29:07Z, or Unix seconds")]
    [InlineData("from_time=99999999999999", "invalid from_time '99999999999999': use an RFC 3339 time such as 2026-11-30T10:29:07Z, or Unix seconds")]
    [InlineData("cursor=not-a-cursor!", "invalid cursor: pass the next_cursor of the list's previous page as it came, or leave cursor out to start from the first page")]
    [InlineData("cursor=YWJj", "invalid cursor: pass the next_cursor of the list's previous page as it came, or leave cursor out to start from the first page")]
    public async Task List_BadQuery_400WithMessage(string query, string message)
    {
        var (_, fnId) = await CreateFnAsync();

        var response = await _api.GetAsync($"/v2/fns/{fnId}/calls?{query}");

        Assert.Equal((HttpStatusCode.BadRequest, message), (response.Status, response.Message));
    }

    [Fact]
    public async Task Routes_UnknownFnOrCall_404()
    {
        var (_, fnId) = await CreateFnAsync();
        const string unknown = "01JZZZZZZZZZZZZZZZZZZZZZZZ";

        Assert.Equal("Fn not found", (await _api.GetAsync($"/v2/fns/{unknown}/calls")).Message);
        Assert.Equal("Fn not found", (await _api.GetAsync($"/v2/fns/{unknown}/calls/{unknown}")).Message);
        Assert.Equal("Fn not found", (await _api.GetAsync($"/v2/fns/{unknown}/calls/{unknown}/log")).Message);
        Assert.Equal((HttpStatusCode.NotFound, "Call not found"), Status(await _api.GetAsync($"/v2/fns/{fnId}/calls/{unknown}")));
        Assert.Equal((HttpStatusCode.NotFound, "Call not found"), Status(await _api.GetAsync($"/v2/fns/{fnId}/calls/{unknown}/log")));
        Assert.Equal((HttpStatusCode.NotFound, "Call not found"), Status(await _api.GetAsync($"/v2/fns/{fnId}/calls/not-an-id")));
        Assert.Equal(0, ApiHarness.Ok(await _api.GetAsync($"/v2/fns/{fnId}/calls")).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Record_OfAnotherFn_NotFoundUnderThisOne()
    {
        var (_, fnId) = await CreateFnAsync("one");
        var (_, otherId) = await CreateFnAsync("two");

        var call = await InvokeAsync(fnId);
        await FlushRecordsAsync();

        Assert.Equal("Call not found", (await _api.GetAsync($"/v2/fns/{otherId}/calls/{call.Id}")).Message);
    }

    [Fact]
    public async Task Prune_OlderThanMaxAge_RecordAndLogRemovedYoungerKept()
    {
        _api.Server.Settings["FN_CALL_MAX_AGE_SECS"] = "60";
        var (_, fnId) = await CreateFnAsync();
        _api.Driver.SetHandler(fnId, context =>
        {
            FakeContainer.Of(context).AddCallLog(context.Request.Headers["Fn-Call-Id"].ToString(), new ContainerLogLine(ContainerOutput.Stdout, "line"));
            return Task.CompletedTask;
        });
        var old = await InvokeAsync(fnId);
        _api.Time.Advance(TimeSpan.FromSeconds(61));
        var young = await InvokeAsync(fnId);
        await FlushRecordsAsync();

        var removed = await _api.Server.Services.GetRequiredService<CallPruner>().PruneAsync(CancellationToken.None);

        Assert.Equal(1, removed);
        Assert.Equal("Call not found", (await _api.GetAsync($"/v2/fns/{fnId}/calls/{old.Id}")).Message);
        Assert.Equal("Call not found", (await _api.GetAsync($"/v2/fns/{fnId}/calls/{old.Id}/log")).Message);
        Assert.Equal([young.Id], await ListIdsAsync(fnId, ""));
        Assert.Equal("line\n", await Http.GetStringAsync(new Uri($"/v2/fns/{fnId}/calls/{young.Id}/log", UriKind.Relative)));
    }

    [Fact]
    public async Task DeleteFn_RecordsGoWithIt()
    {
        var (_, fnId) = await CreateFnAsync();
        var call = await InvokeAsync(fnId);
        await FlushRecordsAsync();

        await _api.DeleteAsync($"/v2/fns/{fnId}");

        Assert.Equal("Fn not found", (await _api.GetAsync($"/v2/fns/{fnId}/calls/{call.Id}")).Message);
    }

    [Fact]
    public async Task Invoke_CallRecordsOff_CallsServedAndNoneRecorded()
    {
        _api.Server.Settings["FN_CALL_RECORDS"] = "false";
        var (_, fnId) = await CreateFnAsync();
        _api.Driver.SetHandler(fnId, async context =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            FakeContainer.Of(context).AddCallLog(context.Request.Headers["Fn-Call-Id"].ToString(), new ContainerLogLine(ContainerOutput.Stdout, "line"));
            context.Response.StatusCode = body == "fail" ? 502 : 200;
        });

        var ok = await InvokeAsync(fnId);
        var failed = await InvokeAsync(fnId, "fail");
        await FlushRecordsAsync();

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.BadGateway), (ok.Status, failed.Status));
        Assert.Empty(await ListIdsAsync(fnId, ""));
        Assert.Equal((HttpStatusCode.NotFound, "Call not found"), Status(await _api.GetAsync($"/v2/fns/{fnId}/calls/{ok.Id}")));
        Assert.Equal((HttpStatusCode.NotFound, "Call not found"), Status(await _api.GetAsync($"/v2/fns/{fnId}/calls/{failed.Id}/log")));
    }

    [Fact]
    public async Task Metrics_RecordsWritten_SeriesServed()
    {
        var (_, fnId) = await CreateFnAsync();

        await InvokeAsync(fnId);
        await FlushRecordsAsync();
        var text = await Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        // Other tests' servers in this process count on meters of the same name: only the series is checked here
        // (CallRecorderTests counts exactly).
        Assert.Contains(text.Split('\n'), l => l.StartsWith("fnsharp_call_records_written_total{otel_scope_name=\"FnSharp.Server\"", StringComparison.Ordinal));
    }

    private static (string? Status, int? StatusCode, string? Error, int Attempts, string? ContainerId) Summary(JsonElement record) => (
        record.GetProperty("status").GetString(),
        record.TryGetProperty("status_code", out var code) ? code.GetInt32() : null,
        record.TryGetProperty("error", out var error) ? error.GetString() : null,
        record.GetProperty("attempts").GetInt32(),
        record.TryGetProperty("container_id", out var container) ? container.GetString() : null);

    private static (HttpStatusCode, string?) Status(ApiResponse response) => (response.Status, response.Message);

    private static List<string> Ids(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetString()!)];

    private async Task<List<string>> ListIdsAsync(string fnId, string query) => Ids(ApiHarness.Ok(await _api.GetAsync($"/v2/fns/{fnId}/calls?{query}")));

    private async Task<(string AppId, string FnId)> CreateFnAsync(string name = "fn")
    {
        var app = await _api.CreateAppAsync("app-" + name);
        var appId = app.GetProperty("id").GetString()!;
        var fn = await _api.CreateFnAsync(appId, name);
        return (appId, fn.GetProperty("id").GetString()!);
    }

    private async Task<Invoked> InvokeAsync(string fnId, string body = "x")
    {
        using var response = await Http.PostAsync(new Uri($"/invoke/{fnId}", UriKind.Relative), new StringContent(body));
        var container = response.Headers.TryGetValues(FakeContainerDriver.ContainerHeader, out var values) ? values.Single() : null;
        return new Invoked(response.StatusCode, response.Headers.GetValues("Fn-Call-Id").Single(), container);
    }

    private Task FlushRecordsAsync() => _api.Server.Services.GetRequiredService<CallRecorder>().FlushAsync();

    private sealed record Invoked(HttpStatusCode Status, string Id, string? ContainerId);
}
