using System.Text.Json;
using FnSharp.Core.Models;
using FnSharp.Server.Calls;
using FnSharp.Server.Tests.Edge;
using FnSharp.Testing;
using FnSharp.Testing.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FnSharp.Server.Tests.Integration;

/// <summary>
/// An answer over <c>FN_MAX_RESPONSE_SIZE</c> from Fn's own Node FDK (<c>fnsharp/hello-node:latest</c>, which
/// answers chunked: it sends its head, then writes the body), on the real server (Kestrel on loopback) and the
/// real engine, read over a plain socket: over the limit within <c>FN_RESPONSE_HOLD_BACK_BYTES</c>, the client
/// gets the 502; past it, the 200 already sent is followed by a body cut off before its last chunk, never a
/// whole one. The call's record says 502 <c>function response body too large</c> either way.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class ResponseLimitOnNodeFdkTests : IAsyncLifetime
{
    private const string TooLarge = "function response body too large";

    private readonly FnSharpServerFactory _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Invoke_NodeAnswerOverTheLimitWithinTheHoldBack_502BeforeAnyByteAndTheRecordAgrees()
    {
        _server.Settings["FN_MAX_RESPONSE_SIZE"] = "65536";
        _server.Settings["FN_RESPONSE_HOLD_BACK_BYTES"] = "65536";
        var url = _server.StartOnLoopback();
        var fnId = await CreateNodeFnAsync(url, "limit-before");

        var answer = await InvokeAsync(url, fnId, nameBytes: 100 * 1024);
        var (payload, terminated) = RawHttp.ReadChunks(answer.Body);
        var record = await RecordAsync(url, fnId, answer.Headers["Fn-Call-Id"]);

        Assert.Equal((502, true), (answer.Status, terminated));
        Assert.Equal("""{"message":"function response body too large"}""", System.Text.Encoding.UTF8.GetString(payload));
        Assert.Equal(("error", 502, TooLarge), record);
    }

    [Fact]
    public async Task Invoke_NodeAnswerOverTheLimitPastTheHoldBack_200CutBeforeTheLastChunkAndTheRecordSays502()
    {
        _server.Settings["FN_MAX_RESPONSE_SIZE"] = "1048576";
        var url = _server.StartOnLoopback();
        var fnId = await CreateNodeFnAsync(url, "limit-after");

        var answer = await InvokeAsync(url, fnId, nameBytes: 3 * 1024 * 1024);
        var (payload, terminated) = RawHttp.ReadChunks(answer.Body);
        var record = await RecordAsync(url, fnId, answer.Headers["Fn-Call-Id"]);

        // The status went out with the first 64 KiB held back; the limit was crossed after, so the connection was cut.
        Assert.Equal((200, "chunked"), (answer.Status, answer.Headers["Transfer-Encoding"]));
        Assert.False(terminated, $"a body cut at the limit must lack its last chunk; {payload.Length} bytes came in whole chunks");
        Assert.InRange(payload.Length, 0, 1048576);
        Assert.Equal(("error", 502, TooLarge), record);
    }

    private static async Task<string> CreateNodeFnAsync(Uri url, string appName)
    {
        using var http = new HttpClient { BaseAddress = url };
        var client = new FnSharp.Client.FnSharpClient(http);
        var app = await client.CreateAppAsync(new App { Name = appName });
        return (await client.CreateFnAsync(new Fn { Name = "hello-node", AppId = app.Id, Image = "fnsharp/hello-node:latest" })).Id;
    }

    /// <summary>Calls the hello fn with a name of <paramref name="nameBytes"/> bytes: it answers a little more, chunked.</summary>
    private static Task<RawAnswer> InvokeAsync(Uri url, string fnId, int nameBytes)
    {
        var body = $$"""{"name":"{{new string('n', nameBytes)}}"}""";
        return RawHttp.SendAndReadToEndAsync(url, $"POST /invoke/{fnId} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n{body}");
    }

    /// <summary>The call's record once the recorder has written it: status, status code and error.</summary>
    private async Task<(string?, int, string?)> RecordAsync(Uri url, string fnId, string callId)
    {
        await _server.Services.GetRequiredService<CallRecorder>().FlushAsync();
        using var http = new HttpClient { BaseAddress = url };
        using var record = JsonDocument.Parse(await http.GetStringAsync(new Uri($"/v2/fns/{fnId}/calls/{callId}", UriKind.Relative)));
        var root = record.RootElement;
        return (root.GetProperty("status").GetString(), root.GetProperty("status_code").GetInt32(), root.GetProperty("error").GetString());
    }
}
