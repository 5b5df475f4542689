using System.Net;
using System.Text;
using FnSharp.Client;
using FnSharp.Core.Models;
using FnSharp.Core.Storage;
using FnSharp.Server.Calls;
using FnSharp.Testing;
using FnSharp.Testing.Fakes;
using FnSharp.Testing.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FnSharp.Server.Tests.Invocation;

/// <summary>/invoke and /t through the real HTTP pipeline, with fake containers.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class CallServingTests : IAsyncLifetime
{
    private readonly FakeContainerDriver _driver = new();
    private readonly FnSharpServerFactory _server;
    private HttpClient _http = null!;
    private FnSharpClient _client = null!;

    public CallServingTests()
    {
        _server = new FnSharpServerFactory(_driver);
        _server.Settings["FN_MAX_RESPONSE_SIZE"] = "1000";
        _server.Settings["FN_MAX_REQUEST_SIZE"] = "2000";
    }

    public Task InitializeAsync()
    {
        _http = _server.CreateClient();
        _client = new FnSharpClient(_http);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        await _driver.DisposeAsync();
    }

    [Fact]
    public async Task Trigger_Call_HeadersRewrittenBothWays()
    {
        Dictionary<string, string>? seen = null;
        _driver.Handler = async context =>
        {
            seen = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/plain";
            context.Response.Headers["Fn-Http-Status"] = "201";
            context.Response.Headers["Fn-Http-H-Location"] = "/orders/7";
            context.Response.Headers["Fn-Fdk-Version"] = "fdk-test/1";
            context.Response.Headers["X-Not-Mapped"] = "dropped";
            await context.Response.WriteAsync("created");
        };
        await CreateTriggerAsync("shop", "orders", "/orders/new");
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri("/t/shop/orders/new?x=1", UriKind.Relative))
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Custom", "hello");

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("created", await response.Content.ReadAsStringAsync());
        Assert.Equal("/orders/7", response.Headers.Location?.ToString());
        Assert.True(response.Headers.Contains("Fn-Call-Id"));
        Assert.False(response.Headers.Contains("Fn-Fdk-Version"));
        Assert.False(response.Headers.Contains("X-Not-Mapped"));
        Assert.NotNull(seen);
        Assert.Equal("hello", seen["Fn-Http-H-X-Custom"]);
        Assert.Equal("PUT", seen["Fn-Http-Method"]);
        Assert.Equal("http://localhost/t/shop/orders/new?x=1", seen["Fn-Http-Request-Url"]);
        Assert.Equal("httprequest", seen["Fn-Intent"]);
        Assert.StartsWith("application/json", seen["Content-Type"], StringComparison.Ordinal);
        Assert.False(seen.ContainsKey("X-Custom"));
    }

    [Theory]
    [InlineData("204", HttpStatusCode.NoContent)]
    [InlineData("205", HttpStatusCode.ResetContent)]
    [InlineData("304", HttpStatusCode.NotModified)]
    public async Task Trigger_StatusWithoutBody_AnsweredWithoutTheFunctionsBodyAndContainerKept(string fdkStatus, HttpStatusCode expected)
    {
        _driver.Handler = async context =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            context.Response.Headers["Fn-Http-Status"] = fdkStatus;
            context.Response.Headers["Fn-Http-H-ETag"] = "\"v1\"";
            await context.Response.WriteAsync("{\"dropped\":true}");
        };
        await CreateTriggerAsync("bodiless", "f", "/x");

        using var first = await _http.PostAsync(new Uri("/t/bodiless/x", UriKind.Relative), new StringContent(""));
        using var second = await _http.PostAsync(new Uri("/t/bodiless/x", UriKind.Relative), new StringContent(""));

        Assert.Equal((expected, expected), (first.StatusCode, second.StatusCode));
        Assert.Equal("", await first.Content.ReadAsStringAsync());
        Assert.Equal("\"v1\"", first.Headers.ETag?.ToString());
        Assert.Equal(1, _driver.CreatedCount);
    }

    [Fact]
    public async Task Invoke_AnswerHeaders_PassedOnAsTheContainerSentThem()
    {
        _driver.Handler = async context =>
        {
            context.Response.StatusCode = 200;
            context.Response.Headers.ContentType = "application/json; charset=utf-8";
            context.Response.Headers.CacheControl = "no-cache,no-store";
            context.Response.Headers["X-Multi"] = new[] { "one", "two" };
            context.Response.Headers["Fn-Call-Id"] = "not-the-call";
            context.Response.Headers["Keep-Alive"] = "timeout=5";
            await context.Response.WriteAsync("{}");
        };
        var fn = await CreateFnAsync("headers", "f");

        using var response = await _http.PostAsync(new Uri($"/invoke/{fn.Id}", UriKind.Relative), new StringContent(""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-cache,no-store", response.Headers.NonValidated["Cache-Control"].ToString());
        Assert.Equal(["one", "two"], response.Headers.NonValidated["X-Multi"]);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.NonValidated["Content-Type"].ToString());
        Assert.NotEqual("not-the-call", Assert.Single(response.Headers.GetValues("Fn-Call-Id")));
        Assert.False(response.Headers.Contains("Keep-Alive"));
        Assert.Equal("{}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Trigger_AppRootSource_Served()
    {
        await CreateTriggerAsync("root", "index", "/");

        using var response = await _http.GetAsync(new Uri("/t/root", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/t/nope/x", "App not found")]
    [InlineData("/t/known/unknown", "Trigger not found")]
    public async Task Trigger_NothingThere_404WithCallId(string path, string message)
    {
        await CreateTriggerAsync("known", "f", "/x");

        using var response = await _http.PostAsync(new Uri(path, UriKind.Relative), new StringContent(""));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal($$"""{"message":"{{message}}"}""", await response.Content.ReadAsStringAsync());
        Assert.True(response.Headers.Contains("Fn-Call-Id"));
    }

    [Fact]
    public async Task Trigger_PlatformError_StatusAndJsonKept()
    {
        _driver.Handler = context =>
        {
            context.Response.StatusCode = 502;
            context.Response.Headers["Fn-Http-Status"] = "200";
            return Task.CompletedTask;
        };
        await CreateTriggerAsync("err", "f", "/x");

        using var response = await _http.PostAsync(new Uri("/t/err/x", UriKind.Relative), new StringContent(""));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("""{"message":"function failed"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Invoke_ResponseOverLimit_502TooLargeAndContainerKilled()
    {
        _driver.Handler = context => context.Response.WriteAsync(new string('x', 1001));
        var fn = await CreateFnAsync("big", "f");

        var result = await _client.InvokeAsync(fn.Id, "");
        await _client.InvokeAsync(fn.Id, "");

        Assert.Equal(HttpStatusCode.BadGateway, result.StatusCode);
        Assert.Equal("""{"message":"function response body too large"}""", result.Body);
        Assert.Equal(2, _driver.CreatedCount);
    }

    [Fact]
    public async Task Invoke_ResponseWithinLimit_ContainerReused()
    {
        var fn = await CreateFnAsync("small", "f");

        await _client.InvokeAsync(fn.Id, "a");
        await _client.InvokeAsync(fn.Id, "b");

        Assert.Equal(1, _driver.CreatedCount);
    }

    [Fact]
    public async Task Invoke_ResponseAtLimit_Whole()
    {
        _driver.Handler = context => context.Response.WriteAsync(new string('x', 1000));
        var fn = await CreateFnAsync("fits", "f");

        var result = await _client.InvokeAsync(fn.Id, "");

        Assert.Equal((HttpStatusCode.OK, 1000), (result.StatusCode, result.Body.Length));
    }

    [Fact]
    public async Task Invoke_RequestOverLimit_413WithFnsMessage()
    {
        var fn = await CreateFnAsync("req", "f");

        var result = await _client.InvokeAsync(fn.Id, new string('y', 2001), "text/plain");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, result.StatusCode);
        Assert.Equal("""{"message":"Content-Length too large for this server, 2001 > max 2000"}""", result.Body);
        Assert.NotNull(result.CallId);
        Assert.Equal(0, _driver.CreatedCount);
    }

    [Fact]
    public async Task Invoke_ChunkedRequestOverLimit_413WithFnsMessageNoContainerRecordedAsTheRefusal()
    {
        _driver.Handler = async context =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
            await context.Response.WriteAsync("read it all");
        };
        var fn = await CreateFnAsync("chunked", "f");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/invoke/" + fn.Id, UriKind.Relative))
        {
            Content = new StreamContent(new MemoryStream(new byte[2001])),
        };
        request.Headers.TransferEncodingChunked = true;

        using var response = await _http.SendAsync(request);
        await _server.Services.GetRequiredService<CallRecorder>().FlushAsync();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("""{"message":"Content-Length too large for this server, 2001 > max 2000"}""", await response.Content.ReadAsStringAsync());
        var callId = response.Headers.GetValues("Fn-Call-Id").Single();
        var record = await _server.Services.GetRequiredService<ICallStore>().GetCallAsync(fn.Id, callId, CancellationToken.None);
        Assert.NotNull(record);
        Assert.Equal((CallStates.Error, (int?)413, (string?)"Content-Length too large for this server, 2001 > max 2000", 0), (record.Status, record.StatusCode, record.Error, record.Attempts));
        Assert.Equal(0, _driver.CreatedCount);
    }

    [Fact]
    public async Task Invoke_ChunkedRequestAtLimit_Served()
    {
        _driver.Handler = async context =>
        {
            using var read = new MemoryStream();
            await context.Request.Body.CopyToAsync(read);
            await context.Response.WriteAsync(read.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        };
        var fn = await CreateFnAsync("chunkfits", "f");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/invoke/" + fn.Id, UriKind.Relative))
        {
            Content = new StreamContent(new MemoryStream(new byte[2000])),
        };
        request.Headers.TransferEncodingChunked = true;

        using var response = await _http.SendAsync(request);

        Assert.Equal((HttpStatusCode.OK, "2000"), (response.StatusCode, await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Invoke_NonAsciiHeaderValue_ReachesContainerAsSentAndContainerKept()
    {
        string? seen = null;
        _driver.Handler = context =>
        {
            seen ??= context.Request.Headers["X-Name"];
            return context.Response.WriteAsync("ok");
        };
        var fn = await CreateFnAsync("unicode", "f");
        const string value = "héllo wörld ✓ 日本 🎉";

        using var first = new HttpRequestMessage(HttpMethod.Post, new Uri("/invoke/" + fn.Id, UriKind.Relative)) { Content = new StringContent("") };
        first.Headers.TryAddWithoutValidation("X-Name", value);
        using var response = await _http.SendAsync(first);
        await _client.InvokeAsync(fn.Id, "");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(value, seen);
        Assert.Equal(1, _driver.CreatedCount);
    }

    [Fact]
    public async Task Invoke_FnUpdatedThroughThisNode_NextCallSeesItAtOnce()
    {
        var fn = await CreateFnAsync("upd", "f");
        await _client.InvokeAsync(fn.Id, "");

        await _client.UpdateFnAsync(fn with { Image = "fnsharp/other:2", Annotations = new Dictionary<string, System.Text.Json.JsonElement>() });
        await _client.InvokeAsync(fn.Id, "");

        Assert.Equal(["fnsharp/test:1", "fnsharp/other:2"], _driver.Created.Select(s => s.Image));
    }

    [Fact]
    public async Task Invoke_FnDeletedThroughThisNode_404AtOnce()
    {
        var fn = await CreateFnAsync("del", "f");
        await _client.InvokeAsync(fn.Id, "");

        await _client.DeleteFnAsync(fn.Id);
        var result = await _client.InvokeAsync(fn.Id, "");

        Assert.Equal(HttpStatusCode.NotFound, result.StatusCode);
    }

    [Fact]
    public async Task Trigger_SourceChangedThroughThisNode_OldPath404NewPathServed()
    {
        var trigger = await CreateTriggerAsync("move", "f", "/old");
        using (await _http.GetAsync(new Uri("/t/move/old", UriKind.Relative)))
        {
        }

        await _client.UpdateTriggerAsync(trigger with { Source = "/new", Annotations = new Dictionary<string, System.Text.Json.JsonElement>() });
        using var old = await _http.GetAsync(new Uri("/t/move/old", UriKind.Relative));
        using var moved = await _http.GetAsync(new Uri("/t/move/new", UriKind.Relative));

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.OK), (old.StatusCode, moved.StatusCode));
    }

    private async Task<Fn> CreateFnAsync(string appName, string fnName)
    {
        var app = await _client.CreateAppAsync(new App { Name = appName });
        return await _client.CreateFnAsync(new Fn { Name = fnName, AppId = app.Id, Image = "fnsharp/test:1" });
    }

    private async Task<Trigger> CreateTriggerAsync(string appName, string fnName, string source)
    {
        var fn = await CreateFnAsync(appName, fnName);
        return await _client.CreateTriggerAsync(new Trigger { Name = fnName + "-t", AppId = fn.AppId, FnId = fn.Id, Type = "http", Source = source });
    }
}
