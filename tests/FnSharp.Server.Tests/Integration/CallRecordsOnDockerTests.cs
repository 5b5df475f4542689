using System.Net;
using System.Text.Json;
using FnSharp.Agent.Runner;
using FnSharp.Client;
using FnSharp.Core.Models;
using FnSharp.Server.Calls;
using FnSharp.Testing;
using FnSharp.Testing.Docker;
using FnSharp.Testing.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FnSharp.Server.Tests.Integration;

/// <summary>
/// Call records and per-call logs on the real Docker engine, with the test function
/// <c>fnsharp/testfn:latest</c>, whose <c>stdout</c>/<c>stderr</c> input lines it writes during the call.
/// Its output reaches the server through the engine's log stream and is split per call by the FDK's log
/// frames. A deleted fn's containers, hot or created ahead, leave the engine at once.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class CallRecordsOnDockerTests : IAsyncLifetime
{
    private const string TestFn = "fnsharp/testfn:latest";

    private readonly FnSharpServerFactory _server = new();
    private readonly EngineProbe _engine = new();
    private HttpClient _http = null!;
    private FnSharpClient _client = null!;

    public Task InitializeAsync()
    {
        // A generous wait for the engine's log stream on a loaded machine; FlushAsync waits it out.
        _server.Settings["FN_CALL_LOG_WAIT_MSECS"] = "1000";
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        await _server.DisposeAsync();
        _engine.Dispose();
    }

    [Fact]
    public async Task TwoCalls_EachLogHoldsItsOwnLinesOnly()
    {
        Start();
        var fn = await CreateFnAsync("logs-own");

        var first = await _client.InvokeAsync(fn.Id, """{"stdout":["first out"],"stderr":["first err"],"body":"one"}""");
        var second = await _client.InvokeAsync(fn.Id, """{"stdout":["second out 1","second out 2"],"stderr":["second err"],"body":"two"}""");
        await _server.Services.GetRequiredService<CallRecorder>().FlushAsync();
        var firstLog = await LogLinesAsync(fn.Id, first.CallId!);
        var secondLog = await LogLinesAsync(fn.Id, second.CallId!);
        using var record = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"/v2/fns/{fn.Id}/calls/{second.CallId}", UriKind.Relative)));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, second.StatusCode));
        // stdout and stderr are two streams: their lines interleave in arrival order, each stream in order.
        Assert.Equal(["first err", "first out"], firstLog.Order(StringComparer.Ordinal));
        Assert.Equal(["second err", "second out 1", "second out 2"], secondLog.Order(StringComparer.Ordinal));
        Assert.Equal(["second out 1", "second out 2"], secondLog.Where(l => l.Contains("out", StringComparison.Ordinal)));
        var container = Assert.Single(await _engine.ContainersOfFnAsync(fn.Id));
        var root = record.RootElement;
        Assert.Equal(("sync", "success", 200, 1, container), (root.GetProperty("type").GetString(), root.GetProperty("status").GetString(), root.GetProperty("status_code").GetInt32(), root.GetProperty("attempts").GetInt32(), root.GetProperty("container_id").GetString()));
    }

    [Fact]
    public async Task LogOverTheCap_CutWithTheMarker()
    {
        _server.Settings["FN_MAX_LOG_SIZE_BYTES"] = "20";
        Start();
        var fn = await CreateFnAsync("logs-cap");

        var call = await _client.InvokeAsync(fn.Id, """{"stdout":["0123456789","abcdefghij","klm"]}""");
        await _server.Services.GetRequiredService<CallRecorder>().FlushAsync();
        var log = await _http.GetStringAsync(new Uri($"/v2/fns/{fn.Id}/calls/{call.CallId}/log", UriKind.Relative));

        Assert.Equal("0123456789\n[fnsharp: log truncated at FN_MAX_LOG_SIZE_BYTES=20, 2 lines dropped]\n", log);
    }

    [Fact]
    public async Task ColdThenWarm_RecordsTellTheStartKindAndTheColdStartsPhases()
    {
        // The call creates its container itself (none is created ahead: the factory's default), so that its create phase is the engine's.
        _server.Settings["FN_FREEZE_IDLE_MSECS"] = "-1";
        Start();
        var fn = await CreateFnAsync("start-kinds");

        var cold = await _client.InvokeAsync(fn.Id, """{"body":"one"}""");
        var warm = await _client.InvokeAsync(fn.Id, """{"body":"two"}""");
        var records = await RecordsAsync(fn.Id, cold, warm);

        Assert.Equal(["cold", "warm"], records.Select(r => r.GetProperty("start_kind").GetString()));
        var phases = records[0].GetProperty("start_phases_ms").EnumerateObject().ToList();
        Assert.Equal(["create", "start", "ready"], phases.Select(p => p.Name));
        // The engine takes real time to create and start a container; the socket's readiness may be quick.
        Assert.True(phases[0].Value.GetInt64() > 0 && phases[1].Value.GetInt64() > 0 && phases[2].Value.GetInt64() >= 0, records[0].ToString());
        Assert.Equal(["waiting", "starting", "running"], records[0].GetProperty("timeline_ms").EnumerateObject().Select(p => p.Name));
        Assert.False(records[1].TryGetProperty("start_phases_ms", out _));
        Assert.Equal(["waiting", "running"], records[1].GetProperty("timeline_ms").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task PausedContainer_NextCallThawed()
    {
        // Paused as soon as idle, whatever CPU it spent idle (FN_FREEZE_IDLE_MSECS=0, FN_FREEZE_CPU_MSECS=0).
        _server.Settings["FN_FREEZE_IDLE_MSECS"] = "0";
        _server.Settings["FN_FREEZE_CPU_MSECS"] = "0";
        Start();
        var fn = await CreateFnAsync("start-thawed");

        var cold = await _client.InvokeAsync(fn.Id, """{"body":"one"}""");
        await _engine.WaitUntilPausedAsync(Assert.Single(await _engine.ContainersOfFnAsync(fn.Id)));
        var thawed = await _client.InvokeAsync(fn.Id, """{"body":"two"}""");
        var records = await RecordsAsync(fn.Id, cold, thawed);

        Assert.Equal(["cold", "thawed"], records.Select(r => r.GetProperty("start_kind").GetString()));
    }

    [Fact]
    public async Task MinHotTwo_FirstTwoConcurrentCallsAfterDeployArePrewarmedNoneCold()
    {
        Start();
        var app = await _client.CreateAppAsync(new App { Name = "min-hot" });
        var fn = await _client.CreateFnAsync(new Fn
        {
            Name = "f",
            AppId = app.Id,
            Image = TestFn,
            Annotations = new Dictionary<string, JsonElement> { ["fnsharp.io/min-hot"] = JsonSerializer.SerializeToElement(2) },
        });

        // The second call is sent once the first runs, which holds its container 2 s: sent together, on a loaded host
        // the first had ended before the second arrived, which then had the first's container back (warm).
        var runner = _server.Services.GetRequiredService<RunnerAgent>();
        var first = _client.InvokeAsync(fn.Id, """{"sleepMs":2000,"body":"a"}""");
        using (var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (!runner.Stats().Any(s => s.FnId == fn.Id && s.Busy == 1))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System, guard.Token);
            }
        }

        var second = await _client.InvokeAsync(fn.Id, """{"body":"b"}""");
        var records = await RecordsAsync(fn.Id, await first, second);

        Assert.Equal(["prewarmed", "prewarmed"], records.Select(r => r.GetProperty("start_kind").GetString()));
        Assert.All(records, r => Assert.Equal(["create", "start", "ready"], r.GetProperty("start_phases_ms").EnumerateObject().Select(p => p.Name)));
        Assert.Equal(2, (await _engine.ContainersOfFnAsync(fn.Id)).Count);
    }

    [Fact]
    public async Task FnCreated_ContainerCreatedAheadServesTheFirstCallColdWithoutACreate()
    {
        _server.Settings["FN_PRECREATE_MAX"] = "16";
        Start();
        var fn = await CreateFnAsync("precreated");
        var ahead = Assert.Single(await _engine.WaitForContainersOfFnAsync(fn.Id, n => n == 1));
        Assert.Equal("created", await _engine.StateOfAsync(ahead));

        var call = await _client.InvokeAsync(fn.Id, """{"body":"one"}""");
        var record = Assert.Single(await RecordsAsync(fn.Id, call));

        Assert.Equal(("cold", ahead), (record.GetProperty("start_kind").GetString(), record.GetProperty("container_id").GetString()));
        Assert.Equal(0, record.GetProperty("start_phases_ms").GetProperty("create").GetInt64());
        Assert.Equal([ahead], await _engine.ContainersOfFnAsync(fn.Id));
    }

    [Fact]
    public async Task FnRemoved_ItsContainerCreatedAheadIsRemoved()
    {
        _server.Settings["FN_PRECREATE_MAX"] = "16";
        Start();
        var fn = await CreateFnAsync("precreated-removed");
        var ahead = Assert.Single(await _engine.WaitForContainersOfFnAsync(fn.Id, n => n == 1));
        Assert.Equal("created", await _engine.StateOfAsync(ahead));

        await _client.DeleteFnAsync(fn.Id);

        Assert.Empty(await _engine.WaitForContainersOfFnAsync(fn.Id, n => n == 0));
    }

    [Fact]
    public async Task DeleteFn_HotContainer_RemovedFromTheEngineAtOnce()
    {
        // An idle timeout of an hour: only the removal ends the container within the test.
        Start();
        var fn = await CreateFnAsync("removed-fn", idleTimeoutSeconds: 3600);
        var call = await _client.InvokeAsync(fn.Id, """{"body":"hi"}""");
        var hot = Assert.Single(await _engine.WaitForContainersOfFnAsync(fn.Id, n => n == 1));
        var state = await _engine.StateOfAsync(hot);

        await _client.DeleteFnAsync(fn.Id);

        Assert.Empty(await _engine.WaitForContainersOfFnAsync(fn.Id, n => n == 0));
        Assert.Equal((HttpStatusCode.OK, "running"), (call.StatusCode, state));
        Assert.Equal(HttpStatusCode.NotFound, (await _client.InvokeAsync(fn.Id, "{}")).StatusCode);
    }

    [Fact]
    public async Task DeleteApp_HotContainersOfItsFns_RemovedFromTheEngineAtOnce()
    {
        Start();
        var fn = await CreateFnAsync("removed-app", idleTimeoutSeconds: 3600);
        await _client.InvokeAsync(fn.Id, """{"body":"hi"}""");
        Assert.Single(await _engine.WaitForContainersOfFnAsync(fn.Id, n => n == 1));

        await _client.DeleteAppAsync(fn.AppId);

        Assert.Empty(await _engine.WaitForContainersOfFnAsync(fn.Id, n => n == 0));
    }

    private async Task<List<JsonElement>> RecordsAsync(string fnId, params InvokeResult[] calls)
    {
        await _server.Services.GetRequiredService<CallRecorder>().FlushAsync();
        var records = new List<JsonElement>();
        foreach (var call in calls)
        {
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);
            using var record = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"/v2/fns/{fnId}/calls/{call.CallId}", UriKind.Relative)));
            records.Add(record.RootElement.Clone());
        }

        return records;
    }

    private void Start()
    {
        _http = _server.CreateClient();
        _client = new FnSharpClient(_http);
    }

    private async Task<List<string>> LogLinesAsync(string fnId, string callId)
    {
        var text = await _http.GetStringAsync(new Uri($"/v2/fns/{fnId}/calls/{callId}/log", UriKind.Relative));
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        return [.. text[..^1].Split('\n')];
    }

    private async Task<Fn> CreateFnAsync(string appName, int idleTimeoutSeconds = 30)
    {
        var app = await _client.CreateAppAsync(new App { Name = appName });
        return await _client.CreateFnAsync(new Fn { Name = "f", AppId = app.Id, Image = TestFn, IdleTimeout = idleTimeoutSeconds });
    }
}
