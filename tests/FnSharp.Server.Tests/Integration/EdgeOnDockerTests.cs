using System.Net;
using FnSharp.Core.Models;
using FnSharp.Server.Calls;
using FnSharp.Server.Tests.Edge;
using FnSharp.Testing;
using FnSharp.Testing.Docker;
using FnSharp.Testing.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FnSharp.Server.Tests.Integration;

/// <summary>
/// Protocol abuse aimed at a function, on the real server (Kestrel on loopback) and the real engine:
/// a 32 KB header and an <c>Expect</c> nobody meets are refused by the server with JSON, no container
/// is started for them, and the function still answers the next well-formed call; a malformed or stalled
/// body sent to a warm fn never reaches its container nor is recorded against it; on <c>/v2</c>, a chunk size
/// past 2^31 is a 400 and a body that stalls halfway a 408, and the server serves on.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class EdgeOnDockerTests : IAsyncLifetime
{
    private readonly FnSharpServerFactory _server = new();
    private readonly EngineProbe _engine = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _engine.Dispose();
    }

    [Fact]
    public async Task InvokeAndTrigger_32KBHeaderOrBogusExpect_RefusedByTheServerAndNoContainerStarted()
    {
        var url = _server.StartOnLoopback();
        using var http = new HttpClient { BaseAddress = url };
        var client = new FnSharp.Client.FnSharpClient(http);
        var app = await client.CreateAppAsync(new App { Name = "edge-app" });
        var fn = await client.CreateFnAsync(new Fn { Name = "echo", AppId = app.Id, Image = "fnsharp/testfn:latest" });
        await client.CreateTriggerAsync(new Trigger { Name = "t", AppId = app.Id, FnId = fn.Id, Type = "http", Source = "/echo" });
        var big = new string('a', 32 * 1024);

        var invokeHeader = await RawHttp.SendAsync(url, $"POST /invoke/{fn.Id} HTTP/1.1\r\nHost: x\r\nX-Big: {big}\r\nContent-Length: 2\r\n\r\n{{}}");
        var triggerHeader = await RawHttp.SendAsync(url, $"POST /t/edge-app/echo HTTP/1.1\r\nHost: x\r\nX-Big: {big}\r\nContent-Length: 2\r\n\r\n{{}}");
        var invokeExpect = await RawHttp.SendAsync(url, $"POST /invoke/{fn.Id} HTTP/1.1\r\nHost: x\r\nExpect: bogus\r\nContent-Length: 2\r\n\r\n{{}}");
        var triggerExpect = await RawHttp.SendAsync(url, "POST /t/edge-app/echo HTTP/1.1\r\nHost: x\r\nExpect: bogus\r\nContent-Length: 2\r\n\r\n{}");
        var containersAfterRefusals = await _engine.ContainersOfFnAsync(fn.Id);
        var good = await client.InvokeAsync(fn.Id, """{"body":"still here"}""");

        Assert.Equal([431, 431, 417, 417], new[] { invokeHeader.Status, triggerHeader.Status, invokeExpect.Status, triggerExpect.Status });
        Assert.All(new[] { invokeHeader, triggerHeader }, r => Assert.StartsWith("request headers too large: ", r.Message, StringComparison.Ordinal));
        Assert.All(new[] { invokeExpect, triggerExpect }, r => Assert.Equal("Expect: bogus cannot be met: the only expectation this server knows is 100-continue", r.Message));
        Assert.Empty(containersAfterRefusals);
        Assert.Equal((HttpStatusCode.OK, "still here"), (good.StatusCode, good.Body));
    }

    [Fact]
    public async Task Trigger_UrlAndHeadersEachWithinTheLimitsButTooLargeAsForwarded_431RecordedAsARefusalAndTheWarmContainerServesOn()
    {
        var url = _server.StartOnLoopback();
        using var http = new HttpClient { BaseAddress = url };
        var client = new FnSharp.Client.FnSharpClient(http);
        var app = await client.CreateAppAsync(new App { Name = "edge-grow" });
        var fn = await client.CreateFnAsync(new Fn { Name = "echo", AppId = app.Id, Image = "fnsharp/testfn:latest" });
        await client.CreateTriggerAsync(new Trigger { Name = "t", AppId = app.Id, FnId = fn.Id, Type = "http", Source = "/echo" });
        var warm = await RawHttp.SendAsync(url, "POST /t/edge-grow/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 15\r\n\r\n{\"body\":\"warm\"}");
        var containers = await _engine.ContainersOfFnAsync(fn.Id);

        // A 4.5 KB URL (under FN_MAX_REQUEST_LINE_SIZE) and a 12,000-byte header (under FN_MAX_REQUEST_HEADERS_SIZE):
        // forwarded as Fn-Http-Request-Url and Fn-Http-H-X-Big they would pass the 16 KiB Fn's Node FDK accepts.
        var query = new string('q', 4500);
        var big = new string('a', 12_000);
        var grown = await RawHttp.SendAsync(url, $"POST /t/edge-grow/echo?{query} HTTP/1.1\r\nHost: x\r\nX-Big: {big}\r\nContent-Length: 2\r\n\r\n{{}}");
        var after = await RawHttp.SendAsync(url, "POST /t/edge-grow/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 21\r\n\r\n{\"body\":\"still warm\"}");
        await _server.Services.GetRequiredService<CallRecorder>().FlushAsync();
        var recorded = (await client.ListCallsAsync(fn.Id)).Items.OrderBy(c => c.Id, StringComparer.Ordinal).Select(c => $"{c.Status} {c.StatusCode} {c.Attempts}");

        Assert.Equal((200, 431, 200), (warm.Status, grown.Status, after.Status));
        Assert.StartsWith("request headers too large for the function: ", grown.Message, StringComparison.Ordinal);
        Assert.Single(containers);
        Assert.Equal(containers, await _engine.ContainersOfFnAsync(fn.Id));

        // The refusal is recorded as what the client got, with no attempt: its Fn-Call-Id names it.
        Assert.Equal(["success 200 1", "error 431 0", "success 200 1"], recorded);
    }

    [Fact]
    public async Task Invoke_MalformedOrStalledBodiesToAWarmFn_400And408AndTheSameContainerServesOn()
    {
        _server.Settings["FN_REQUEST_BODY_TIMEOUT_MSECS"] = "200";
        var url = _server.StartOnLoopback();
        using var http = new HttpClient { BaseAddress = url };
        var client = new FnSharp.Client.FnSharpClient(http);
        var app = await client.CreateAppAsync(new App { Name = "edge-body" });
        var fn = await client.CreateFnAsync(new Fn { Name = "echo", AppId = app.Id, Image = "fnsharp/testfn:latest" });
        var warm = await client.InvokeAsync(fn.Id, """{"body":"warm"}""");
        var containers = await _engine.ContainersOfFnAsync(fn.Id);

        var statuses = new List<int>();
        var expected = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await RawHttp.SendAsync(url, $"POST /invoke/{fn.Id} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nabc")).Status);
            statuses.Add((await RawHttp.SendAsync(url, $"POST /invoke/{fn.Id} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789")).Status);
            expected.Add(400);
            expected.Add(408);
        }

        var after = await client.InvokeAsync(fn.Id, """{"body":"still warm"}""");

        Assert.Equal((HttpStatusCode.OK, "warm"), (warm.StatusCode, warm.Body));
        Assert.Equal(expected, statuses);
        Assert.Equal((HttpStatusCode.OK, "still warm"), (after.StatusCode, after.Body));
        Assert.Single(containers);
        Assert.Equal(containers, await _engine.ContainersOfFnAsync(fn.Id));
        await _server.Services.GetRequiredService<CallRecorder>().FlushAsync();
        var recorded = (await client.ListCallsAsync(fn.Id)).Items;

        // The bad requests are recorded as the refusals their clients got, never reaching a container.
        Assert.Equal(new[] { warm.CallId, after.CallId }.Order(StringComparer.Ordinal), recorded.Where(c => c.Status == CallStates.Success).Select(c => c.Id).Order(StringComparer.Ordinal));
        Assert.Equal(expected.Order(), recorded.Where(c => c.Status != CallStates.Success).Select(c => c.Attempts == 0 && c.ContainerId is null && c.Status == CallStates.Error ? c.StatusCode ?? 0 : -1).Order());
    }

    [Fact]
    public async Task V2_ChunkSizePast2To31OrBodyStalledHalfway_400And408AndTheServerServesOn()
    {
        _server.Settings["FN_REQUEST_BODY_TIMEOUT_MSECS"] = "200";
        var url = _server.StartOnLoopback();
        using var http = new HttpClient { BaseAddress = url };
        var client = new FnSharp.Client.FnSharpClient(http);

        var chunk = await RawHttp.SendAsync(url, "POST /v2/apps HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n80000000\r\nabc");
        var stalled = await RawHttp.SendAsync(url, $"POST /v2/apps HTTP/1.1\r\nHost: x\r\nContent-Length: 200000\r\n\r\n{{\"name\":\"{new string('n', 100_000)}");
        var app = await client.CreateAppAsync(new App { Name = "edge-v2" });
        var fn = await client.CreateFnAsync(new Fn { Name = "echo", AppId = app.Id, Image = "fnsharp/testfn:latest" });
        var good = await client.InvokeAsync(fn.Id, """{"body":"served"}""");

        Assert.Equal((400, "malformed request body: Bad chunk size data."), (chunk.Status, chunk.Message));
        Assert.Equal(408, stalled.Status);
        Assert.StartsWith("request body too slow: ", stalled.Message, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, "served"), (good.StatusCode, good.Body));
    }
}
