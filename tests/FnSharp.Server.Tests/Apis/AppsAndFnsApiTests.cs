using System.Net;
using System.Text;
using System.Text.Json;
using FnSharp.Client;
using FnSharp.Core.Models;
using FnSharp.Testing;
using FnSharp.Testing.Fakes;
using FnSharp.Testing.Hosting;

namespace FnSharp.Server.Tests.Apis;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class AppsAndFnsApiTests : IAsyncLifetime
{
    private readonly FakeContainerDriver _driver = new();
    private readonly FnSharpServerFactory _server;
    private readonly HttpClient _http;
    private readonly FnSharpClient _client;

    public AppsAndFnsApiTests()
    {
        _server = new FnSharpServerFactory(_driver);
        _http = _server.CreateClient();
        _client = new FnSharpClient(_http);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        await _driver.DisposeAsync();
    }

    [Fact]
    public async Task CreateApp_NewName_ReturnsFullApp()
    {
        var app = await _client.CreateAppAsync(new App { Name = "myapp", Config = new Dictionary<string, string> { ["A"] = "1" } });

        Assert.Equal(26, app.Id.Length);
        Assert.Equal("myapp", app.Name);
        Assert.Equal("1", app.Config["A"]);
        Assert.NotEqual(default, app.CreatedAt);
        Assert.Equal(app.CreatedAt, app.UpdatedAt);
    }

    [Fact]
    public async Task CreateApp_TakenName_409()
    {
        await _client.CreateAppAsync(new App { Name = "taken" });

        var e = await Assert.ThrowsAsync<FnApiException>(() => _client.CreateAppAsync(new App { Name = "taken" }));

        Assert.Equal((HttpStatusCode.Conflict, "App already exists"), (e.StatusCode, e.Message));
    }

    [Theory]
    [InlineData("{", "Invalid JSON")]
    [InlineData("[]", "Invalid JSON")]
    [InlineData("{}", "Missing Name")]
    [InlineData("""{"name":"a b"}""", "app name must be 1 to 255 characters, each a letter, a digit, '_' or '-'")]
    [InlineData("""{"name":"x","id":"01M8P1J06Q0004AM48VSSRJMF2"}""", "ID cannot be provided for create")]
    public async Task CreateApp_BadBody_400WithMessage(string body, string message)
    {
        var (status, text) = await PostAsync("/v2/apps", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(message, text);
    }

    [Fact]
    public async Task GetApp_Unknown_404()
    {
        var e = await Assert.ThrowsAsync<FnApiException>(() => _client.GetAppAsync("nope"));

        Assert.Equal((HttpStatusCode.NotFound, "App not found"), (e.StatusCode, e.Message));
    }

    [Fact]
    public async Task ListApps_MoreThanAPage_CursorWalksAllInNameOrder()
    {
        foreach (var name in new[] { "c", "a", "e", "b", "d" })
        {
            await _client.CreateAppAsync(new App { Name = name });
        }

        var first = await _client.ListAppsAsync(perPage: 2);
        var second = await _client.ListAppsAsync(cursor: first.NextCursor, perPage: 2);
        var third = await _client.ListAppsAsync(cursor: second.NextCursor, perPage: 2);

        Assert.Equal(["a", "b", "c", "d", "e"], first.Items.Concat(second.Items).Concat(third.Items).Select(a => a.Name));
        Assert.Null(third.NextCursor);
    }

    [Fact]
    public async Task ListApps_InvalidCursor_400()
    {
        var response = await _http.GetAsync(new Uri("/v2/apps?cursor=!!!", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid cursor: pass the next_cursor of the list's previous page as it came, or leave cursor out to start from the first page", await MessageAsync(response));
    }

    [Fact]
    public async Task CreateFn_Minimal_DefaultsAndInvokeEndpoint()
    {
        var app = await _client.CreateAppAsync(new App { Name = "fnapp" });

        var fn = await _client.CreateFnAsync(new Fn { Name = "hello", AppId = app.Id, Image = "fnsharp/hello-csharp:latest" });

        Assert.Equal((128, 30, 30), (fn.Memory, fn.Timeout, fn.IdleTimeout));
        Assert.Equal($"http://localhost/invoke/{fn.Id}", fn.Annotations["fnproject.io/fn/invokeEndpoint"].GetString());
        Assert.Equal(fn.Id, (await _client.GetFnAsync(fn.Id)).Id);
    }

    [Fact]
    public async Task CreateFn_UnknownApp_404()
    {
        var e = await Assert.ThrowsAsync<FnApiException>(() => _client.CreateFnAsync(new Fn { Name = "f", AppId = "none", Image = "i" }));

        Assert.Equal((HttpStatusCode.NotFound, "App not found"), (e.StatusCode, e.Message));
    }

    [Fact]
    public async Task CreateFn_TakenNameInApp_409()
    {
        var app = await _client.CreateAppAsync(new App { Name = "dup" });
        await _client.CreateFnAsync(new Fn { Name = "f", AppId = app.Id, Image = "i" });

        var e = await Assert.ThrowsAsync<FnApiException>(() => _client.CreateFnAsync(new Fn { Name = "f", AppId = app.Id, Image = "i" }));

        Assert.Equal((HttpStatusCode.Conflict, "Fn with specified name already exists"), (e.StatusCode, e.Message));
    }

    [Theory]
    [InlineData("""{"name":"f","app_id":"a","image":"i","memory":9000}""", "memory value is out of range. It should be between 0 and 8192")]
    [InlineData("""{"name":"f","app_id":"a","image":"i","timeout":301}""", "timeout value is out of range, must be between 0 and 300")]
    [InlineData("""{"name":"f","app_id":"a"}""", "Missing image")]
    [InlineData("""{"name":"f","image":"i"}""", "Missing App ID")]
    [InlineData("""{"name":"f","app_id":"a","image":"i","memory":"lots"}""", "Invalid JSON")]
    public async Task CreateFn_BadBody_400WithMessage(string body, string message)
    {
        var (status, text) = await PostAsync("/v2/fns", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(message, text);
    }

    [Fact]
    public async Task ListFns_ByApp_OnlyThatAppsFns()
    {
        var one = await _client.CreateAppAsync(new App { Name = "one" });
        var two = await _client.CreateAppAsync(new App { Name = "two" });
        await _client.CreateFnAsync(new Fn { Name = "f1", AppId = one.Id, Image = "i" });
        await _client.CreateFnAsync(new Fn { Name = "f2", AppId = two.Id, Image = "i" });

        var page = await _client.ListFnsAsync(appId: one.Id);

        Assert.Equal("f1", Assert.Single(page.Items).Name);
    }

    [Theory]
    [InlineData("GET", "/nowhere", HttpStatusCode.NotFound, "Path not found")]
    [InlineData("DELETE", "/version", HttpStatusCode.MethodNotAllowed, "Method not allowed")]
    [InlineData("GET", "/invoke/abc", HttpStatusCode.MethodNotAllowed, "Method not allowed")]
    public async Task Request_NoRoute_JsonError(string method, string path, HttpStatusCode status, string message)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));

        var response = await _http.SendAsync(request);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(message, await MessageAsync(response));
    }

    [Fact]
    public async Task GetVersion_Always_Version()
    {
        using var document = JsonDocument.Parse(await _http.GetStringAsync(new Uri("/version", UriKind.Relative)));

        Assert.Equal("0.1.0", document.RootElement.GetProperty("version").GetString());
    }

    [Fact]
    public async Task Invoke_UnknownFn_404WithCallId()
    {
        var response = await _http.PostAsync(new Uri("/invoke/01M8P1J06Q0004AM48VSSRJMF2", UriKind.Relative), new StringContent("x"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Fn not found", await MessageAsync(response));
        Assert.True(response.Headers.Contains("Fn-Call-Id"));
    }

    [Fact]
    public async Task Invoke_KnownFn_FunctionAnswerAndCallId()
    {
        var app = await _client.CreateAppAsync(new App { Name = "inv" });
        var fn = await _client.CreateFnAsync(new Fn { Name = "echo", AppId = app.Id, Image = "fake" });

        var first = await _client.InvokeAsync(fn.Id, "ping", "text/plain");
        var second = await _client.InvokeAsync(fn.Id, "pong", "text/plain");

        Assert.Equal((HttpStatusCode.OK, "ping"), (first.StatusCode, first.Body));
        Assert.Equal((HttpStatusCode.OK, "pong"), (second.StatusCode, second.Body));
        Assert.NotEqual(first.CallId, second.CallId);
        Assert.Equal(1, _driver.CreatedCount);
    }

    [Fact]
    public async Task Invoke_FunctionFails_502FunctionFailed()
    {
        _driver.Handler = context =>
        {
            context.Response.StatusCode = 502;
            return Task.CompletedTask;
        };
        var app = await _client.CreateAppAsync(new App { Name = "fail" });
        var fn = await _client.CreateFnAsync(new Fn { Name = "f", AppId = app.Id, Image = "fake" });

        var result = await _client.InvokeAsync(fn.Id, "x");

        Assert.Equal(HttpStatusCode.BadGateway, result.StatusCode);
        Assert.Equal("""{"message":"function failed"}""", result.Body);
    }

    [Fact]
    public async Task Server_Restarted_DataIntact()
    {
        var app = await _client.CreateAppAsync(new App { Name = "kept" });
        var fn = await _client.CreateFnAsync(new Fn { Name = "f", AppId = app.Id, Image = "i" });

        await using var restarted = new FnSharpServerFactory(_driver, _server.DataDirectory);
        var client = restarted.CreateFnClient();

        Assert.Equal("kept", (await client.GetAppAsync(app.Id)).Name);
        Assert.Equal("f", (await client.GetFnAsync(fn.Id)).Name);
    }

    private async Task<(HttpStatusCode Status, string? Message)> PostAsync(string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        var response = await _http.PostAsync(new Uri(path, UriKind.Relative), content);
        return (response.StatusCode, await MessageAsync(response));
    }

    private static async Task<string?> MessageAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("message").GetString();
    }
}
