using System.Net;
using System.Text;
using System.Text.Json;
using FnSharp.Client;
using FnSharp.Core.Models;
using FnSharp.Server.Calls;
using FnSharp.Testing;
using FnSharp.Testing.Docker;
using FnSharp.Testing.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FnSharp.Server.Tests.Integration;

/// <summary>
/// Each outcome of <c>fn-compat.md</c> section 3 through the real server on the real Docker engine,
/// with the test function <c>fnsharp/testfn:latest</c> (built by <c>scripts/build-images.sh</c>).
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class CallOutcomesOnDockerTests : IAsyncLifetime
{
    private const string TestFn = "fnsharp/testfn:latest";

    private readonly FnSharpServerFactory _server = new();
    private readonly EngineProbe _engine = new();

    // The containers' socket directories under a root of the test's own (FN_IOFS_PATH), which a test can break.
    private readonly string _iofs = TestDirectories.Create("fnsharp-iofs-");
    private HttpClient _http = null!;
    private FnSharpClient _client = null!;

    public Task InitializeAsync()
    {
        _server.Settings["FN_IOFS_PATH"] = _iofs;
        _server.Settings["FN_MAX_RESPONSE_SIZE"] = "1000";

        // A start on a host loaded by the rest of the suite took over the default 5 s (a 64 MiB fn's cold start
        // answered 504); no test here is about the start's time limit but the init-timeout test, which has its own.
        _server.Settings["FN_HOT_START_TIMEOUT_MSECS"] = "30000";
        _server.Settings["FN_MAX_WAIT_MSECS"] = "40000";
        _http = _server.CreateClient();
        _client = new FnSharpClient(_http);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        _engine.Dispose();
        if (File.Exists(_iofs))
        {
            File.Delete(_iofs);
        }
        else
        {
            Directory.Delete(_iofs, recursive: true);
        }
    }

    [Fact]
    public async Task ConcurrentCalls_AllAnswered()
    {
        var fn = await CreateFnAsync("concurrent");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => _client.InvokeAsync(fn.Id, $$"""{"sleepMs":200,"body":"call {{i}}"}""")));

        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"call {i}"), results.Select(r => r.Body));
    }

    [Fact]
    public async Task CallPastTimeout_504AndContainerGone()
    {
        var fn = await CreateFnAsync("slow", timeoutSeconds: 1);
        await _client.InvokeAsync(fn.Id, """{"body":"warm"}""");
        var warm = Assert.Single(await _engine.ContainersOfFnAsync(fn.Id));

        var result = await _client.InvokeAsync(fn.Id, """{"sleepMs":10000}""");

        Assert.Equal((HttpStatusCode.GatewayTimeout, """{"message":"Timed out"}"""), (result.StatusCode, result.Body));
        Assert.DoesNotContain(warm, await _engine.ContainersOfFnAsync(fn.Id));
    }

    [Fact]
    public async Task ProcessExitsDuringCall_502AndNewContainerServesNext()
    {
        var fn = await CreateFnAsync("crash");
        await _client.InvokeAsync(fn.Id, """{"body":"warm"}""");
        var first = Assert.Single(await _engine.ContainersOfFnAsync(fn.Id));

        var crashed = await _client.InvokeAsync(fn.Id, """{"exit":3}""");
        var next = await _client.InvokeAsync(fn.Id, """{"body":"again"}""");
        await _server.Services.GetRequiredService<CallRecorder>().FlushAsync();
        var record = await _client.GetCallAsync(fn.Id, crashed.CallId!);

        Assert.Equal((HttpStatusCode.BadGateway, """{"message":"error receiving function response: the container exited with code 3"}"""), (crashed.StatusCode, crashed.Body));
        Assert.Equal(("error", 502, "error receiving function response: the container exited with code 3"), (record.Status, record.StatusCode, record.Error));
        Assert.Equal((HttpStatusCode.OK, "again"), (next.StatusCode, next.Body));
        var now = Assert.Single(await _engine.ContainersOfFnAsync(fn.Id));
        Assert.NotEqual(first, now);
    }

    [Fact]
    public async Task ProcessCallsEnvironmentExitDuringCall_502NamesItsCodeNotTheKill()
    {
        // Environment.Exit stops the FDK's web host (the connection closes) before the process ends: the runner's exit
        // grace lets the exit come before its kill.
        var fn = await CreateFnAsync("environment-exit");
        await _client.InvokeAsync(fn.Id, """{"body":"warm"}""");

        var exited = await _client.InvokeAsync(fn.Id, """{"environmentExit":5}""");

        Assert.Equal((HttpStatusCode.BadGateway, """{"message":"error receiving function response: the container exited with code 5"}"""), (exited.StatusCode, exited.Body));
    }

    [Fact]
    public async Task ClientGivesUpMidCall_TheCallRunsToItsEndRecordedCancelledAndItsContainerServesTheNext()
    {
        // A server of its own on a real socket, so that the client's going away reaches the server as it would in use.
        await using var server = new FnSharpServerFactory();
        using var http = new HttpClient { BaseAddress = server.StartOnLoopback() };
        var client = new FnSharpClient(http);
        // One call at a time: the next call waits for the one its client left rather than starting a container of its own.
        var oneAtATime = new Dictionary<string, JsonElement> { [FnSharpAnnotations.MaxConcurrency] = JsonDocument.Parse("1").RootElement };
        var fn = await CreateFnAsync("client-leaves", client: client, annotations: oneAtATime);
        await client.InvokeAsync(fn.Id, """{"body":"warm"}""");
        var warm = Assert.Single(await _engine.ContainersOfFnAsync(fn.Id));

        using (var impatient = new HttpClient { BaseAddress = http.BaseAddress, Timeout = TimeSpan.FromMilliseconds(300) })
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => impatient.PostAsync(new Uri("invoke/" + fn.Id, UriKind.Relative), new StringContent("""{"sleepMs":1500}""")));
        }

        var next = await client.InvokeAsync(fn.Id, """{"body":"next"}""");
        await server.Services.GetRequiredService<CallRecorder>().FlushAsync();
        var calls = await client.ListCallsAsync(fn.Id);

        Assert.Equal((HttpStatusCode.OK, "next"), (next.StatusCode, next.Body));
        Assert.Equal([warm], await _engine.ContainersOfFnAsync(fn.Id));
        var left = Assert.Single(calls.Items, c => c.Status == "cancelled");
        Assert.Equal(warm, left.ContainerId);
        Assert.True(left.CompletedAt - left.StartedAt >= TimeSpan.FromMilliseconds(1500), $"the call ended {left.CompletedAt - left.StartedAt} after its start");
    }

    [Fact]
    public async Task FunctionThrows_502FunctionFailedAndContainerKept()
    {
        var fn = await CreateFnAsync("throws");
        await _client.InvokeAsync(fn.Id, """{"body":"warm"}""");
        var warm = Assert.Single(await _engine.ContainersOfFnAsync(fn.Id));

        var result = await _client.InvokeAsync(fn.Id, """{"throw":"boom"}""");

        Assert.Equal((HttpStatusCode.BadGateway, """{"message":"function failed"}"""), (result.StatusCode, result.Body));
        Assert.Equal([warm], await _engine.ContainersOfFnAsync(fn.Id));
    }

    [Fact]
    public async Task InvalidStatusFromFdk_502InvalidResponse()
    {
        var fn = await CreateFnAsync("teapot");

        var result = await _client.InvokeAsync(fn.Id, """{"status":418}""");

        Assert.Equal((HttpStatusCode.BadGateway, """{"message":"invalid function response"}"""), (result.StatusCode, result.Body));
    }

    [Fact]
    public async Task OutOfMemory_ItsOwnError()
    {
        var fn = await CreateFnAsync("oom", memoryMiB: 64);

        var result = await _client.InvokeAsync(fn.Id, """{"allocMiB":512}""");

        Assert.Equal(HttpStatusCode.BadGateway, result.StatusCode);
        Assert.Equal("""{"message":"function failed: it ran out of memory (raise the fn's memory)"}""", result.Body);
    }

    [Fact]
    public async Task ResponseOverLimit_502TooLarge()
    {
        var fn = await CreateFnAsync("big");

        var result = await _client.InvokeAsync(fn.Id, """{"outputBytes":5000}""");

        Assert.Equal((HttpStatusCode.BadGateway, """{"message":"function response body too large"}"""), (result.StatusCode, result.Body));
    }

    [Fact]
    public async Task NeverOpensSocket_504InitTimeout()
    {
        // A server of its own with a short start timeout; the others have a long one (a container that exits at
        // start needs some seconds on a loaded host for the engine to report its exit).
        await using var server = new FnSharpServerFactory();
        server.Settings["FN_HOT_START_TIMEOUT_MSECS"] = "1500";
        var client = server.CreateFnClient();
        var fn = await CreateFnAsync("nosocket", config: new Dictionary<string, string> { ["TESTFN_NO_SOCKET"] = "1" }, client: client);

        var result = await client.InvokeAsync(fn.Id, "{}");

        Assert.Equal(HttpStatusCode.GatewayTimeout, result.StatusCode);
        Assert.Equal("""{"message":"Container initialization timed out, please ensure you are using the latest fdk and check the logs"}""", result.Body);
        Assert.Empty(await _engine.ContainersOfFnAsync(fn.Id));
    }

    [Fact]
    public async Task ExitsAtStart_502InitFailedWithTheExitCodeAndItsStderrInTheLog()
    {
        var fn = await CreateFnAsync("exitstart", config: new Dictionary<string, string> { ["TESTFN_EXIT_AT_START"] = "2" });

        var result = await _client.InvokeAsync(fn.Id, "{}");
        var log = await CallLogAsync(fn.Id, result.CallId!);

        Assert.Equal(HttpStatusCode.BadGateway, result.StatusCode);
        Assert.Equal("Container failed to initialize, please ensure you are using the latest fdk and check the logs: the container exited with code 2 before it created lsnr.sock", Message(result.Body));
        Assert.StartsWith("[fnsharp] the call's container would not start: container ", log, StringComparison.Ordinal);
        Assert.EndsWith(" exited with code 2 before it created lsnr.sock; last stderr: testfn: exiting at start with code 2\n", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SocketLinkedByAbsolutePath_502NamesTheContractRuleInTheBodyAndTheLog()
    {
        const string Rule = "lsnr.sock is a symbolic link to '/tmp/iofs/phonylsnr.sock'; the http-stream contract requires a link to a file name in the same directory (such as phonylsnr.sock), not a path";
        var fn = await CreateFnAsync("abslink", config: new Dictionary<string, string> { ["TESTFN_ABSOLUTE_LINK"] = "1" });

        var result = await _client.InvokeAsync(fn.Id, "{}");
        var log = await CallLogAsync(fn.Id, result.CallId!);

        Assert.Equal(HttpStatusCode.BadGateway, result.StatusCode);
        Assert.Equal("Container failed to initialize, please ensure you are using the latest fdk and check the logs: " + Rule, Message(result.Body));
        Assert.StartsWith("[fnsharp] the call's container would not start: container ", log, StringComparison.Ordinal);
        Assert.EndsWith(" created an invalid lsnr.sock: " + Rule + "\n", log, StringComparison.Ordinal);
        Assert.Empty(await _engine.ContainersOfFnAsync(fn.Id));
    }

    [Fact]
    public async Task SocketRootUnusableAfterStart_500BlamingTheNodeRecordedAndCountedAsItsOwnKind()
    {
        await _client.ListAppsAsync();

        // The root turns unusable while the server runs (a file where the directory was: the tests may run as root,
        // whom a directory's owner and mode do not stop).
        Directory.Delete(_iofs, recursive: true);
        await File.WriteAllTextAsync(_iofs, "");
        var fn = await CreateFnAsync("nodefault");

        var result = await _client.InvokeAsync(fn.Id, "{}");
        var log = await CallLogAsync(fn.Id, result.CallId!);
        var record = await _client.GetCallAsync(fn.Id, result.CallId!);
        var metrics = await _http.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.InternalServerError, result.StatusCode);
        Assert.StartsWith($"node fault: this server could not prepare a container for the call: the containers' socket directory {_iofs} is not usable by this server's user", Message(result.Body), StringComparison.Ordinal);
        Assert.EndsWith("or set FN_IOFS_PATH to one (not a fault of the function or its FDK: the server's operator must fix the node)", Message(result.Body), StringComparison.Ordinal);
        Assert.StartsWith($"[fnsharp] the call's container would not start: the containers' socket directory {_iofs} is not usable", log, StringComparison.Ordinal);
        Assert.Equal(("error", 500), (record.Status, record.StatusCode));
        var samples = Telemetry.PrometheusText.Samples(metrics, $"fn_id=\"{fn.Id}\"");
        Assert.Equal(1, samples["fnsharp_calls_completed_total{status=\"node_fault\"}"]);
        Assert.Equal(1, samples["fnsharp_call_errors_total{kind=\"node_fault\"}"]);
        Assert.Empty(await _engine.ContainersOfFnAsync(fn.Id));
    }

    [Fact]
    public async Task Trigger_HeadersMappedBothWays()
    {
        var fn = await CreateFnAsync("trig");
        await _client.CreateTriggerAsync(new Trigger { Name = "t", AppId = fn.AppId, FnId = fn.Id, Type = "http", Source = "/hook" });
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/t/trig/hook", UriKind.Relative))
        {
            Content = new StringContent("""{"echo":true,"headers":{"Fn-Http-Status":"202","Fn-Http-H-X-Out":"yes"}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-In", "from-client");

        using var response = await _http.SendAsync(request);
        using var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("yes", response.Headers.GetValues("X-Out").Single());
        Assert.True(response.Headers.Contains("Fn-Call-Id"));
        Assert.False(response.Headers.Contains("Fn-Fdk-Version"));
        var headers = echo.RootElement.GetProperty("headers");
        Assert.Equal("from-client", Header(headers, "Fn-Http-H-X-In"));
        Assert.Equal("POST", Header(headers, "Fn-Http-Method"));
        Assert.Equal("httprequest", Header(headers, "Fn-Intent"));
    }

    private static string? Header(JsonElement headers, string name) =>
        headers.EnumerateObject().FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value is { ValueKind: not JsonValueKind.Undefined } value
            ? value.ValueKind == JsonValueKind.Array ? value[0].GetString() : value.GetString()
            : null;

    private static string? Message(string body)
    {
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("message").GetString();
    }

    /// <summary>The log of a call, once the recorder has written what was queued before.</summary>
    private async Task<string> CallLogAsync(string fnId, string callId)
    {
        await _server.Services.GetRequiredService<CallRecorder>().FlushAsync();
        return await _http.GetStringAsync(new Uri($"/v2/fns/{fnId}/calls/{callId}/log", UriKind.Relative));
    }

    /// <summary>Creates an app and a fn of the test function in it, through <paramref name="client"/> (the class's server unless given).</summary>
    private async Task<Fn> CreateFnAsync(string appName, int timeoutSeconds = 30, int memoryMiB = 128, Dictionary<string, string>? config = null, FnSharpClient? client = null, Dictionary<string, JsonElement>? annotations = null)
    {
        client ??= _client;
        var app = await client.CreateAppAsync(new App { Name = appName });
        var fn = new Fn { Name = "f", AppId = app.Id, Image = TestFn, Timeout = timeoutSeconds, Memory = memoryMiB, Config = config ?? new Dictionary<string, string>() };
        return await client.CreateFnAsync(annotations is null ? fn : fn with { Annotations = annotations });
    }
}
