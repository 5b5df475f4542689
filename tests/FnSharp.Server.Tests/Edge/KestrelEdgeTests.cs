using System.Net.Http.Json;
using Microsoft.AspNetCore.Http;
using FnSharp.Core.Models;
using FnSharp.Core.Storage;
using FnSharp.Server.Calls;
using Microsoft.Extensions.DependencyInjection;
using FnSharp.Testing;
using FnSharp.Testing.Fakes;
using FnSharp.Testing.Hosting;
using FnSharp.Testing.Logging;
using Microsoft.Extensions.Logging;

namespace FnSharp.Server.Tests.Edge;

/// <summary>
/// Requests no well-behaved client sends, to the real server on Kestrel on loopback (fake containers):
/// each is refused with the project's JSON error naming the setting that refused it, never a bare
/// answer, a 500 or a call reaching a function; the server keeps serving.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class KestrelEdgeTests : IAsyncLifetime
{
    private const string HeadersTooLarge = "request headers too large: at most 100 headers of 12288 bytes in all, names and values (FN_MAX_REQUEST_HEADER_COUNT, FN_MAX_REQUEST_HEADERS_SIZE)";

    private readonly FakeContainerDriver _driver = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly FnSharpServerFactory _server;
    private Uri _url = null!;
    private string _appId = "";
    private string _fnId = "";

    public KestrelEdgeTests()
    {
        _server = new FnSharpServerFactory(_driver);

        // Short waits, so that the timeouts below come soon; the default limits otherwise.
        _server.Settings["FN_REQUEST_HEADERS_TIMEOUT_MSECS"] = "100";
        _server.Settings["FN_REQUEST_BODY_TIMEOUT_MSECS"] = "200";

        // Every log line of the server, the edge's debug lines included.
        _server.Settings["Logging:LogLevel:FnSharp.Server.Edge"] = "Debug";
        _server.TestServices = services => services.AddSingleton<ILoggerProvider>(_logs);
    }

    public async Task InitializeAsync()
    {
        _url = _server.StartOnLoopback();
        using var http = new HttpClient { BaseAddress = _url };
        var app = await http.PostAsJsonAsync("v2/apps", new { name = "edge" });
        _appId = (await app.Content.ReadFromJsonAsync<App>())!.Id;
        var fn = await http.PostAsJsonAsync("v2/fns", new { app_id = _appId, name = "f", image = "fnsharp/fake:1" });
        _fnId = (await fn.Content.ReadFromJsonAsync<Fn>())!.Id;
        _driver.SetHandler(_fnId, context => context.Response.WriteAsync("called"));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _driver.DisposeAsync();
    }

    [Fact]
    public async Task Invoke_HeaderOf32KB_431JsonAndNoCall()
    {
        var response = await SendAsync($"POST /invoke/{_fnId} HTTP/1.1\r\nHost: x\r\nX-Big: {new string('a', 32 * 1024)}\r\nContent-Length: 2\r\n\r\n{{}}");

        Assert.Equal((431, HeadersTooLarge), (response.Status, response.Message));
        Assert.Equal("application/json; charset=utf-8", response.Headers["Content-Type"]);
        await AssertServingAsync();
        Assert.Equal(0, _driver.CallCount);
    }

    [Fact]
    public async Task Request_101Headers_431JsonInsteadOfKestrelsBareAnswer()
    {
        var headers = string.Concat(Enumerable.Range(0, 101).Select(i => $"X-H{i}: v\r\n"));

        var response = await SendAsync($"GET /v2/apps HTTP/1.1\r\nHost: x\r\n{headers}\r\n");

        Assert.Equal((431, HeadersTooLarge), (response.Status, response.Message));
        Assert.Equal("close", response.Headers["Connection"]);
        await AssertServingAsync();
    }

    [Theory]
    [InlineData("POST /v2/apps")]
    [InlineData("POST /invoke/FN")]
    public async Task Request_ChunkedBodyWithTrailersOver12KB_431JsonNamingTheLimitsAndNoCall(string target)
    {
        var response = await SendAsync($"{target.Replace("FN", _fnId, StringComparison.Ordinal)} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{{}}\r\n0\r\nX-Trailer: {new string('t', 20_000)}\r\n\r\n");

        Assert.Equal((431, HeadersTooLarge), (response.Status, response.Message));
        Assert.Equal(0, _driver.CallCount);
        await AssertServingAsync();
    }

    [Fact]
    public async Task Head_TooManyHeaders_431WithoutABody()
    {
        var headers = string.Concat(Enumerable.Range(0, 101).Select(i => $"X-H{i}: v\r\n"));

        var response = await SendAsync($"HEAD /v2/apps HTTP/1.1\r\nHost: x\r\n{headers}\r\n");

        Assert.Equal(431, response.Status);
        Assert.Equal("application/json; charset=utf-8", response.Headers["Content-Type"]);
        Assert.Equal("", response.Body);
    }

    [Fact]
    public async Task Request_LineOf9KB_414Json()
    {
        var response = await SendAsync($"GET /v2/apps?name={new string('a', 9 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.Equal((414, "request line too long: at most 8192 bytes of method, URL and version (FN_MAX_REQUEST_LINE_SIZE)"), (response.Status, response.Message));
    }

    [Theory]
    [InlineData("GET /v2/apps HTTP/1.1\r\nHost: x\r\nBad Header: v\r\n\r\n", 400)]
    [InlineData("GET /v2/apps HTTP/9.9\r\nHost: x\r\n\r\n", 505)]
    [InlineData("GET\r\n\r\n", 400)]
    [InlineData("POST /v2/apps HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", 400)]
    [InlineData("POST /v2/apps HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 400)]
    public async Task Request_MalformedHead_JsonWithKestrelsStatusAndReason(string request, int status)
    {
        var response = await SendAsync(request);

        Assert.Equal(status, response.Status);
        Assert.StartsWith("bad request: ", response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_HeadersNeverFinished_408Json()
    {
        var response = await SendAsync("POST /v2/apps HTTP/1.1\r\nHost: x\r\nContent-Le");

        Assert.Equal((408, "request headers not received within 100 ms (FN_REQUEST_HEADERS_TIMEOUT_MSECS)"), (response.Status, response.Message));
    }

    [Theory]
    [InlineData("80000000")]
    [InlineData("ffffffffffffffff")]
    public async Task CreateApp_ChunkSizePastWhatKestrelCounts_400NotA500(string size)
    {
        var response = await SendAsync($"POST /v2/apps HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n{size}\r\nabc");

        Assert.Equal((400, "malformed request body: Bad chunk size data."), (response.Status, response.Message));
    }

    [Theory]
    [InlineData("PUT /v2/apps/APP", "zz")]
    [InlineData("PUT /v2/apps/APP", "ffffffffffffffff")]
    [InlineData("PUT /v2/fns/FN", "zz")]
    [InlineData("POST /invoke/FN", "zz")]
    public async Task Request_ChunkSizeNotHexOrPastWhatKestrelCounts_SameJson400OnEveryRoute(string target, string size)
    {
        var request = target.Replace("APP", _appId, StringComparison.Ordinal).Replace("FN", _fnId, StringComparison.Ordinal);

        var response = await SendAsync($"{request} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n{size}\r\nabc");

        Assert.Equal((400, "malformed request body: Bad chunk size data."), (response.Status, response.Message));
        Assert.StartsWith("application/json", response.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal(0, _driver.CallCount);
    }

    [Fact]
    public async Task CreateApp_BodyStopsHalfway_408JsonAndConnectionClosed()
    {
        // Half of the body at once: Kestrel's average from the first byte (240 bytes per second) would
        // have held this connection for about seven minutes.
        var response = await SendAsync($"POST /v2/apps HTTP/1.1\r\nHost: x\r\nContent-Length: 200000\r\n\r\n{{\"name\":\"{new string('n', 100_000)}");

        Assert.Equal(408, response.Status);
        Assert.Equal("request body too slow: less than 48 bytes came in 200 ms of waiting for it (FN_MIN_REQUEST_BODY_RATE=240 bytes per second, FN_REQUEST_BODY_TIMEOUT_MSECS=200)", response.Message);
        Assert.Equal("close", response.Headers["Connection"]);
        await AssertServingAsync();
    }

    [Fact]
    public async Task Requests_BodiesThatStall_408WithOneDebugLineEachAndNothingLoggedAtWarningOrAbove()
    {
        // Read to the end: Kestrel has finished each request (and would have logged its failure) when its connection closes.
        var before = _logs.Logger.Entries.Count;
        var stalled = await Task.WhenAll(
            RawHttp.SendAndReadToEndAsync(_url, $"POST /v2/apps HTTP/1.1\r\nHost: x\r\nContent-Length: 200000\r\n\r\n{{\"name\":\"{new string('n', 100_000)}"),
            RawHttp.SendAndReadToEndAsync(_url, $"POST /invoke/{_fnId} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789"),
            RawHttp.SendAndReadToEndAsync(_url, "PUT /v2/apps/edge HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n{\"config\":"));
        await AssertServingAsync();

        Assert.All(stalled, answer => Assert.Equal(408, answer.Status));
        var logged = _logs.Logger.Entries.Skip(before).ToList();
        Assert.Equal(3, logged.Count(e => e.EventId == 1602));
        Assert.DoesNotContain(logged, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task DetachedInvoke_BodyStopsHalfway_408WithItsCallIdWhichNamesTheRefusal()
    {
        var response = await SendAsync($"POST /invoke/{_fnId} HTTP/1.1\r\nHost: x\r\nFn-Invoke-Type: detached\r\nContent-Length: 1000\r\n\r\n{{\"a\":");
        await _server.Services.GetRequiredService<CallRecorder>().FlushAsync();

        Assert.Equal(408, response.Status);
        Assert.Equal(0, _driver.CallCount);
        var record = await _server.Services.GetRequiredService<ICallStore>().GetCallAsync(_fnId, response.Headers["Fn-Call-Id"], CancellationToken.None);
        Assert.NotNull(record);
        Assert.Equal((CallTypes.Detached, CallStates.Error, (int?)408, (string?)response.Message, 0), (record.Type, record.Status, record.StatusCode, record.Error, record.Attempts));
    }

    [Fact]
    public async Task Invoke_MalformedOrStalledBodyToAWarmFn_400And408RecordedAsRefusalsAndTheContainerKept()
    {
        var warm = await SendAsync($"POST /invoke/{_fnId} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{{}}");

        var malformed = await SendAsync($"POST /invoke/{_fnId} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nabc");
        var stalled = await SendAsync($"POST /invoke/{_fnId} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789");
        var after = await SendAsync($"POST /invoke/{_fnId} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{{}}");
        await _server.Services.GetRequiredService<CallRecorder>().FlushAsync();

        Assert.Equal([200, 400, 408, 200], new[] { warm.Status, malformed.Status, stalled.Status, after.Status });
        Assert.Equal("malformed request body: Bad chunk size data.", malformed.Message);
        Assert.StartsWith("request body too slow: ", stalled.Message, StringComparison.Ordinal);
        Assert.Equal((1, 2), (_driver.CreatedCount, _driver.CallCount));
        var calls = _server.Services.GetRequiredService<ICallStore>();
        foreach (var refused in new[] { malformed, stalled })
        {
            // The id the client got names the refusal, as it did the 503s and 400s of the runner: no attempt, no container.
            var record = await calls.GetCallAsync(_fnId, refused.Headers["Fn-Call-Id"], CancellationToken.None);
            Assert.NotNull(record);
            Assert.Equal((CallTypes.Sync, CallStates.Error, (int?)refused.Status, (string?)refused.Message, 0, (string?)null), (record.Type, record.Status, record.StatusCode, record.Error, record.Attempts, record.ContainerId));
        }

        Assert.Equal(CallStates.Success, (await calls.GetCallAsync(_fnId, after.Headers["Fn-Call-Id"], CancellationToken.None))?.Status);
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("100-continue, fast")]
    public async Task Invoke_ExpectOtherThan100Continue_417AndNoCall(string expectation)
    {
        var response = await SendAsync($"POST /invoke/{_fnId} HTTP/1.1\r\nHost: x\r\nExpect: {expectation}\r\nContent-Length: 2\r\n\r\n{{}}");

        Assert.Equal(417, response.Status);
        Assert.Equal($"Expect: {expectation} cannot be met: the only expectation this server knows is 100-continue", response.Message);
        Assert.Equal(0, _driver.CallCount);
    }

    [Fact]
    public async Task Invoke_Expect100Continue_Called()
    {
        var response = await SendAsync($"POST /invoke/{_fnId} HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}");

        Assert.Equal((200, "called"), (response.Status, response.Body));
        Assert.Equal(1, _driver.CallCount);
    }

    private Task<RawResponse> SendAsync(string request) => RawHttp.SendAsync(_url, request);

    private async Task AssertServingAsync()
    {
        using var http = new HttpClient { BaseAddress = _url };
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync(new Uri("version", UriKind.Relative))).StatusCode);
    }
}
