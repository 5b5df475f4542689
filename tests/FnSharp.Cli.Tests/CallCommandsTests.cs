using System.Collections.Concurrent;
using System.Text.Json;
using FnSharp.Agent.Drivers;
using FnSharp.Core.Models;
using FnSharp.Core.Storage;
using FnSharp.Testing;
using FnSharp.Testing.Fakes;
using FnSharp.Testing.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Cli.Tests;

/// <summary>
/// <c>invoke --detached</c>, <c>calls list|get|redrive</c> and <c>logs get</c> against the real server on
/// loopback: its detached calls, worker, retries, dead letters, records and logs, with fake containers
/// and a fake clock. A test waits for "this attempt is stored" (<see cref="ObservedCallStore"/>) before it
/// reads a call, never for time to pass.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class CallCommandsTests : IAsyncLifetime
{
    private const string Unknown = "01JD8ZQ3R6X4B0N9ZK1W2Y3T4Z";

    // Small enough for one test to send a detached body over it, big enough for every API body here.
    private const int MaxRequestSize = 1024;

    private readonly FakeContainerDriver _driver = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private readonly FnSharpServerFactory _server;
    private readonly ConcurrentQueue<(string Body, string ContentType)> _received = new();
    private readonly string _url;
    private volatile bool _healed;

    public CallCommandsTests()
    {
        _server = new FnSharpServerFactory(_driver) { Time = _time, TestServices = ObservedCallStore.Register };

        // The worker would wait this long on the fake clock for late output; fake containers' output is there at once.
        _server.Settings["FN_CALL_LOG_WAIT_MSECS"] = "0";

        // A call still running when a test ends is given back at once: disposal never waits on the fake clock.
        _server.Settings["FN_SHUTDOWN_GRACE_MSECS"] = "0";
        // One call at a time: the calls share one hot container and run in the order they became due.
        _server.Settings["FN_ASYNC_MAX_CONCURRENT"] = "1";
        _server.Settings["FN_MAX_REQUEST_SIZE"] = MaxRequestSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _url = _server.StartOnLoopback().ToString().TrimEnd('/');

        // A body starting with "fail" fails the call (502, no output) until the fn is healed; any other
        // body, and every body once healed, succeeds and writes "<body> out" to stdout and "<body> err" to stderr.
        _driver.Handler = async context =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            _received.Enqueue((body, context.Request.ContentType ?? ""));
            if (body.StartsWith("fail", StringComparison.Ordinal) && !_healed)
            {
                context.Response.StatusCode = 502;
                return;
            }

            var callId = context.Request.Headers["Fn-Call-Id"].ToString();
            FakeContainer.Of(context).AddCallLog(callId, new ContainerLogLine(ContainerOutput.Stdout, body + " out"));
            FakeContainer.Of(context).AddCallLog(callId, new ContainerLogLine(ContainerOutput.Stderr, body + " err"));
            context.Response.StatusCode = 200;
        };
    }

    private ObservedCallStore Calls => (ObservedCallStore)_server.Services.GetRequiredService<ICallStore>();

    public async Task InitializeAsync()
    {
        await OkAsync("create", "app", "shop");
        await OkAsync("create", "fn", "shop", "hello", "img", "--annotation", "fnsharp.io/async-retries=1");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _driver.DisposeAsync();
    }

    [Fact]
    public async Task InvokeDetached_Accepted_PrintsTheCallIdAloneAndTheCallSucceeds()
    {
        var (code, output, error) = await RunAsync("invoke", "shop", "hello", "--detached", "--body", """{"name":"later"}""");
        var callId = output.TrimEnd('\n');
        var attempt = await Calls.NextAttemptAsync(callId);
        var call = Json(await OkAsync("calls", "get", "shop", "hello", callId, "-o", "json"));

        Assert.Equal(0, code);
        Assert.Matches("^[0-9A-Z]{26}\n$", output);
        Assert.Equal(
            $"Queued. Follow it: fnsharp calls get shop hello {callId} --api-url {_url}\nIts log, once it has run: fnsharp logs get shop hello {callId} --api-url {_url}\n",
            error);
        Assert.Equal(new StoredAttempt(CallStates.Success, DeadLetter: false), attempt);
        Assert.Equal(("""{"name":"later"}""", "application/json"), Assert.Single(_received));
        Assert.Equal((callId, "detached", "success", 200, 1), (Text(call, "id"), Text(call, "type"), Text(call, "status"), call.GetProperty("status_code").GetInt32(), call.GetProperty("attempts").GetInt32()));
    }

    [Fact]
    public async Task InvokeDetached_Verbose_StatusAndCallIdOnStderr()
    {
        var (code, output, error) = await RunAsync("invoke", "shop", "hello", "--detached", "--body", "later", "-v");
        var callId = output.TrimEnd('\n');
        await Calls.NextAttemptAsync(callId);

        Assert.Equal(0, code);
        Assert.Matches("^[0-9A-Z]{26}\n$", output);
        Assert.StartsWith($"Status: 202, Fn-Call-Id: {callId}\nQueued. Follow it: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeDetached_BodyOverTheServersLimit_ServerMessageAndExit1()
    {
        var (code, output, error) = await RunAsync("invoke", "shop", "hello", "--detached", "--body", new string('x', MaxRequestSize + 1));

        Assert.Equal((1, "", $"Error: Content-Length too large for this server, {MaxRequestSize + 1} > max {MaxRequestSize} (413)\n"), (code, output, error));
        Assert.Empty(_received);
    }

    [Fact]
    public async Task CallsList_Table_NewestFirstWithCodesAttemptsDeadLettersAndErrors()
    {
        var (succeeded, dead, retrying) = await SeedAsync();

        var output = await OkAsync("calls", "list", "shop", "hello");

        Assert.Equal(
            "ID                          TYPE      STATUS   CODE  CREATED                   COMPLETED                 ATTEMPTS  DEAD_LETTER  ERROR\n" +
            $"{retrying}  detached  queued         2026-11-30T12:02:00.000Z                            1         no           function failed\n" +
            $"{dead}  detached  error    502   2026-11-30T12:01:00.000Z  2026-11-30T12:02:00.000Z  2         yes          function failed\n" +
            $"{succeeded}  detached  success  200   2026-11-30T12:00:00.000Z  2026-11-30T12:00:00.000Z  1         no\n",
            output);
    }

    [Fact]
    public async Task CallsList_Json_TheApisPageWithoutACursorOnTheLastPage()
    {
        var (succeeded, dead, retrying) = await SeedAsync();

        var page = Json(await OkAsync("calls", "list", "shop", "hello", "--output", "json"));

        Assert.Equal([retrying, dead, succeeded], Ids(page));
        Assert.False(page.TryGetProperty("next_cursor", out _));
        Assert.Equal(("error", 502, "function failed", true), (Text(page.GetProperty("items")[1], "status"), page.GetProperty("items")[1].GetProperty("status_code").GetInt32(), Text(page.GetProperty("items")[1], "error"), page.GetProperty("items")[1].GetProperty("dead_letter").GetBoolean()));
    }

    [Fact]
    public async Task CallsList_Filters_TheServerAppliesWhatTheCliSends()
    {
        var (succeeded, dead, retrying) = await SeedAsync();

        Assert.Equal([dead], await ListAsync("--status", "error"));
        Assert.Equal([retrying], await ListAsync("--status", "queued"));
        Assert.Equal([succeeded], await ListAsync("--status", "success"));
        Assert.Empty(await ListAsync("--status", "timeout"));
        Assert.Equal([dead], await ListAsync("--dead-letter"));
        Assert.Equal([dead], await ListAsync("--dead-letter", "true"));
        Assert.Equal([retrying, succeeded], await ListAsync("--dead-letter", "false"));
        Assert.Equal([retrying, dead], await ListAsync("--from", "2026-11-30T12:01:00Z"));
        Assert.Equal([succeeded], await ListAsync("--to", "2026-11-30T12:01:00Z"));

        // An offset is turned into UTC; a time without one is UTC.
        Assert.Equal([dead], await ListAsync("--from", "2026-11-30T13:00:30+01:00", "--to", "2026-11-30T12:01:30"));

        // The bound keeps its fraction: cut to milliseconds, it would leave out the call of 12:01:00.000.
        Assert.Equal([dead, succeeded], await ListAsync("--to", "2026-11-30T12:01:00.0005Z"));
        Assert.Equal([dead], await ListAsync("--status", "error", "--dead-letter", "--from", "2026-11-30"));
    }

    [Fact]
    public async Task CallsList_MorePages_TheCommandPrintedForTheNextPageGoesOn()
    {
        var (succeeded, dead, retrying) = await SeedAsync();

        var (code, output, error) = await RunAsync("calls", "list", "shop", "hello", "-n", "2");
        var next = NextCommand(error);
        var (lastCode, last, lastError) = await CliRun.RunAsync(next);

        Assert.Equal(0, code);
        Assert.Equal([retrying, dead], TableIds(output));
        Assert.Equal(["calls", "list", "shop", "hello", "--per-page", "2", "--api-url", _url, "--cursor"], next[..^1]);
        Assert.Equal((0, ""), (lastCode, lastError));
        Assert.Equal([succeeded], TableIds(last));
    }

    [Fact]
    public async Task CallsList_MorePagesWithFilters_TheNextCommandKeepsThem()
    {
        var (succeeded, _, retrying) = await SeedAsync();

        var (_, output, error) = await RunAsync("calls", "list", "shop", "hello", "--dead-letter", "false", "--from", "2026-11-30T13:00:00+01:00", "--per-page", "1");
        var next = NextCommand(error);
        var (_, last, lastError) = await CliRun.RunAsync(next);

        // The last page is full too: the server does not look further, and the page after it is empty.
        var (_, empty, emptyError) = await CliRun.RunAsync(NextCommand(lastError));
        var json = Json(await OkAsync("calls", "list", "shop", "hello", "--dead-letter", "false", "-n", "1", "-o", "json"));

        Assert.Equal([retrying], TableIds(output));
        Assert.Equal(["calls", "list", "shop", "hello", "--dead-letter", "false", "--from", "2026-11-30T12:00:00Z", "--per-page", "1", "--api-url", _url, "--cursor"], next[..^1]);
        Assert.Equal([succeeded], TableIds(last));
        Assert.Equal((0, ""), (TableIds(empty).Count, emptyError));
        Assert.Equal(next[^1], Text(json, "next_cursor"));
    }

    [Fact]
    public async Task CallsList_NameTheShellReadsOtherwise_QuotedInTheNextCommand()
    {
        await OkAsync("create", "fn", "shop", "a&b", "img");
        foreach (var body in new[] { "one", "two" })
        {
            var callId = (await OkAsync("invoke", "shop", "a&b", "--detached", "--body", body)).TrimEnd('\n');
            await Calls.NextAttemptAsync(callId);
        }

        var (code, _, error) = await RunAsync("calls", "list", "shop", "a&b", "-n", "1");

        Assert.Equal(0, code);
        Assert.StartsWith("Next page: fnsharp calls list shop 'a&b' --per-page 1 --api-url ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallsGet_DeadLetter_EveryFieldAsATable()
    {
        var (_, dead, _) = await SeedAsync();
        var appId = Text(Json(await OkAsync("inspect", "app", "shop", "-o", "json")), "id");
        var fnId = Text(Json(await OkAsync("inspect", "fn", "shop", "hello", "-o", "json")), "id");

        var output = await OkAsync("calls", "get", "shop", "hello", dead);

        Assert.Equal(
            "FIELD         VALUE\n" +
            $"id            {dead}\n" +
            $"app_id        {appId}\n" +
            $"fn_id         {fnId}\n" +
            "type          detached\n" +
            "status        error\n" +
            "status_code   502\n" +
            "error         function failed\n" +
            "created_at    2026-11-30T12:01:00.000Z\n" +
            "started_at    2026-11-30T12:02:00.000Z\n" +
            "completed_at  2026-11-30T12:02:00.000Z\n" +
            "attempts      2\n" +
            $"container_id  {Assert.Single(_driver.Containers).Id}\n" +
            "dead_letter   true\n",
            output);
    }

    [Fact]
    public async Task CallsGet_Json_TheApisCall()
    {
        var (succeeded, _, _) = await SeedAsync();

        var call = Json(await OkAsync("calls", "get", "shop", "hello", succeeded, "-o", "json"));

        Assert.Equal((succeeded, "success", "2026-11-30T12:00:00.000Z", false), (Text(call, "id"), Text(call, "status"), Text(call, "created_at"), call.GetProperty("dead_letter").GetBoolean()));
        Assert.False(call.TryGetProperty("error", out _));
    }

    [Fact]
    public async Task LogsGet_CallWroteLines_PrintedAsTheServerKeptThem()
    {
        var (succeeded, _, _) = await SeedAsync();

        var output = await OkAsync("logs", "get", "shop", "hello", succeeded);

        Assert.Equal("ok out\nok err\n", output);
    }

    [Fact]
    public async Task LogsGet_EndedWithoutOutput_EmptyLogAndExit0()
    {
        var (_, dead, _) = await SeedAsync();

        var ended = await RunAsync("logs", "get", "shop", "hello", dead);
        var json = await RunAsync("logs", "get", "shop", "hello", dead, "-o", "json");

        Assert.Equal((0, "", "The call ended (error) without writing to stdout or stderr: its log is empty.\n"), ended);
        Assert.Equal((0, $"{{\n  \"call_id\": \"{dead}\",\n  \"log\": \"\"\n}}\n"), (json.Code, json.Output));
    }

    [Fact]
    public async Task LogsGet_CallNotEnded_ErrorSaysToWaitAndExit1()
    {
        var (_, _, retrying) = await SeedAsync();

        var queued = await RunAsync("logs", "get", "shop", "hello", retrying);

        Assert.Equal((1, "", $"Error: the call is queued: its log is stored when it ends\nFollow it: fnsharp calls get shop hello {retrying} --api-url {_url}\n"), queued);
    }

    [Fact]
    public async Task CallsRedrive_DeadLetter_QueuedAgainThenSucceeds()
    {
        var (_, dead, _) = await SeedAsync();
        _healed = true;

        var output = await OkAsync("calls", "redrive", "shop", "hello", dead);
        var attempt = await Calls.NextAttemptAsync(dead);
        var call = Json(await OkAsync("calls", "get", "shop", "hello", dead, "-o", "json"));
        var log = await OkAsync("logs", "get", "shop", "hello", dead);

        Assert.Equal($"Successfully re-drove call: {dead} (status queued)\n", output);
        Assert.Equal(new StoredAttempt(CallStates.Success, DeadLetter: false), attempt);
        Assert.Equal(("success", 1, false), (Text(call, "status"), call.GetProperty("attempts").GetInt32(), call.GetProperty("dead_letter").GetBoolean()));
        Assert.Equal("fail-first out\nfail-first err\n", log);
    }

    [Fact]
    public async Task CallsRedrive_NotADeadLetter_ServerRefuses409AndExit1()
    {
        var (succeeded, _, retrying) = await SeedAsync();

        Assert.Equal((1, "", "Error: Call is not a dead letter (409)\n"), await RunAsync("calls", "redrive", "shop", "hello", succeeded));
        Assert.Equal((1, "", "Error: Call is not a dead letter (409)\n"), await RunAsync("calls", "redrive", "shop", "hello", retrying));
    }

    [Theory]
    [InlineData(new[] { "calls", "get", "shop", "hello", Unknown }, 1, "Error: Call not found (404)")]
    [InlineData(new[] { "calls", "get", "shop", "hello", "not-an-id" }, 1, "Error: Call not found (404)")]
    [InlineData(new[] { "calls", "redrive", "shop", "hello", Unknown }, 1, "Error: Call not found (404)")]
    [InlineData(new[] { "logs", "get", "shop", "hello", Unknown }, 1, "Error: Call not found (404)\nSee the fn's calls: fnsharp calls list shop hello --api-url URL")]
    [InlineData(new[] { "calls", "list", "nope", "hello" }, 1, "Error: app 'nope' not found\nSee the apps: fnsharp list apps --api-url URL")]
    [InlineData(new[] { "calls", "get", "shop", "nope", Unknown }, 1, "Error: fn 'nope' not found in app 'shop'\nSee its fns: fnsharp list fns shop --api-url URL")]
    [InlineData(new[] { "logs", "get", "nope", "hello", Unknown }, 1, "Error: app 'nope' not found\nSee the apps: fnsharp list apps --api-url URL")]
    [InlineData(new[] { "calls", "redrive", "shop", "nope", Unknown }, 1, "Error: fn 'nope' not found in app 'shop'\nSee its fns: fnsharp list fns shop --api-url URL")]
    [InlineData(new[] { "invoke", "shop", "nope", "--detached" }, 1, "Error: fn 'nope' not found in app 'shop'\nSee its fns: fnsharp list fns shop --api-url URL")]
    [InlineData(new[] { "calls", "list", "shop", "hello", "--from", "yesterday" }, 2, "Error: --from 'yesterday' is not a time; use RFC 3339, for example 2026-11-30T12:00:00Z\nSee 'fnsharp calls list --help'.")]
    [InlineData(new[] { "calls", "list", "shop", "hello", "--per-page", "0" }, 2, "Error: --per-page 0 is out of range: 1 to 100\nSee 'fnsharp calls list --help'.")]
    public async Task CallCommand_UnknownNameOrBadInput_ErrorLinesAndExitCode(string[] args, int expectedCode, string message)
    {
        var (code, output, error) = await RunAsync(args);

        Assert.Equal((expectedCode, "", message.Replace("URL", _url, StringComparison.Ordinal) + "\n"), (code, output, error));
    }

    [Fact]
    public async Task CallsList_UnknownStatus_ParseErrorListsTheStatuses()
    {
        var (code, _, error) = await RunAsync("calls", "list", "shop", "hello", "--status", "done");

        Assert.Equal((2, "Error: --status 'done' is not a call status: use queued, running, success, error, timeout, cancelled (any case)\nSee 'fnsharp calls list --help'.\n"), (code, error));
    }

    [Fact]
    public async Task CallsList_StatusInAnyCase_SentInLowerCase()
    {
        var (_, dead, retrying) = await SeedAsync();

        var (code, output, error) = await RunAsync("calls", "list", "shop", "hello", "--status", "ERROR", "-n", "1");

        Assert.Equal(0, code);
        Assert.Equal([dead], TableIds(output));
        Assert.Equal(["calls", "list", "shop", "hello", "--status", "error", "--per-page", "1", "--api-url", _url, "--cursor"], NextCommand(error)[..^1]);
        Assert.Equal([retrying], await ListAsync("--status", "Queued"));
    }

    [Theory]
    [InlineData("invoke", "a", "f", "--detached")]
    [InlineData("calls", "list", "a", "f")]
    [InlineData("calls", "get", "a", "f", "c")]
    [InlineData("calls", "redrive", "a", "f", "c")]
    [InlineData("logs", "get", "a", "f", "c")]
    public async Task CallCommand_ServerDown_ClearErrorNonZeroExit(params string[] args)
    {
        var (code, _, error) = await CliRun.RunAsync([.. args, "--api-url", "http://127.0.0.1:9"]);

        Assert.Equal(1, code);
        Assert.StartsWith("Error: cannot reach the FnSharp server at http://127.0.0.1:9", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// Three detached calls of shop/hello (which allows one retry), a minute apart on the fake clock: one
    /// that succeeded at 12:00, one that failed at 12:01 and again at its retry at 12:02 (a dead letter), and
    /// one that failed its first attempt at 12:02 and waits for its retry (queued). Returns their ids.
    /// </summary>
    private async Task<(string Succeeded, string Dead, string Retrying)> SeedAsync()
    {
        var succeeded = await InvokeDetachedAsync("ok");
        Assert.Equal(new StoredAttempt(CallStates.Success, false), await Calls.NextAttemptAsync(succeeded));
        _time.Advance(TimeSpan.FromMinutes(1));
        var dead = await InvokeDetachedAsync("fail-first");
        Assert.Equal(new StoredAttempt(CallStates.Queued, false), await Calls.NextAttemptAsync(dead));
        _time.Advance(TimeSpan.FromMinutes(1));

        // Its retry is due: the worker runs it at its next poll, or when this call wakes it.
        var retrying = await InvokeDetachedAsync("fail-later");
        Assert.Equal(new StoredAttempt(CallStates.Error, true), await Calls.NextAttemptAsync(dead));
        Assert.Equal(new StoredAttempt(CallStates.Queued, false), await Calls.NextAttemptAsync(retrying));
        return (succeeded, dead, retrying);
    }

    private async Task<string> InvokeDetachedAsync(string body) =>
        (await OkAsync("invoke", "shop", "hello", "--detached", "--body", body)).TrimEnd('\n');

    private async Task<List<string>> ListAsync(params string[] filters) =>
        Ids(Json(await OkAsync(["calls", "list", "shop", "hello", "-o", "json", .. filters])));

    /// <summary>The arguments of the command printed under a full page (<c>Next page: fnsharp ...</c>).</summary>
    private static string[] NextCommand(string error)
    {
        const string prefix = "Next page: fnsharp ";
        Assert.StartsWith(prefix, error, StringComparison.Ordinal);
        return error[prefix.Length..].TrimEnd('\n').Split(' ');
    }

    private static List<string> TableIds(string table) =>
        [.. table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line => line.Split(' ')[0])];

    private static List<string> Ids(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(c => Text(c, "id"))];

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private static string Text(JsonElement element, string name) => element.GetProperty(name).GetString()!;

    private Task<(int Code, string Output, string Error)> RunAsync(params string[] args) => CliRun.RunAsync([.. args, "--api-url", _url]);

    private async Task<string> OkAsync(params string[] args)
    {
        var (code, output, error) = await RunAsync(args);
        Assert.True(code == 0, $"fnsharp {string.Join(' ', args)} exited {code}: {error}");
        return output;
    }
}
