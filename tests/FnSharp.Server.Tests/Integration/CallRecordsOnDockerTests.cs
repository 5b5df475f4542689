using System.Net;
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
/// Call records and per-call logs on the real Docker engine, with the test function
/// <c>fnsharp/testfn:latest</c>, whose <c>stdout</c>/<c>stderr</c> input lines it writes during the call.
/// Its output reaches the server through the engine's log stream and is split per call by the FDK's log
/// frames.
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

    private async Task<Fn> CreateFnAsync(string appName)
    {
        var app = await _client.CreateAppAsync(new App { Name = appName });
        return await _client.CreateFnAsync(new Fn { Name = "f", AppId = app.Id, Image = TestFn });
    }
}
