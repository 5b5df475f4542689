using System.Net;
using System.Text;
using FnSharp.Core.Storage;
using FnSharp.Testing;
using FnSharp.Testing.Fakes;
using FnSharp.Testing.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FnSharp.Server.Tests.Apis;

/// <summary>What every route shares: JSON errors for unknown paths and methods, body limits, 500s without details, restarts.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class ProtocolTests : IAsyncLifetime
{
    private readonly ApiHarness _api = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Theory]
    [InlineData("GET", "/nowhere", HttpStatusCode.NotFound, "Path not found")]
    [InlineData("GET", "/v2", HttpStatusCode.NotFound, "Path not found")]
    [InlineData("GET", "/v2/apps/a/b", HttpStatusCode.NotFound, "Path not found")]
    [InlineData("GET", "/v1/apps", HttpStatusCode.NotFound, "Path not found")]
    [InlineData("PATCH", "/v2/apps/x", HttpStatusCode.MethodNotAllowed, "Method not allowed")]
    [InlineData("DELETE", "/v2/apps", HttpStatusCode.MethodNotAllowed, "Method not allowed")]
    [InlineData("POST", "/v2/fns/x", HttpStatusCode.MethodNotAllowed, "Method not allowed")]
    [InlineData("PUT", "/v2/triggers", HttpStatusCode.MethodNotAllowed, "Method not allowed")]
    [InlineData("POST", "/version", HttpStatusCode.MethodNotAllowed, "Method not allowed")]
    [InlineData("GET", "/invoke/abc", HttpStatusCode.MethodNotAllowed, "Method not allowed")]
    public async Task Request_NoRoute_JsonError(string method, string path, HttpStatusCode status, string message)
    {
        var response = await _api.SendAsync(method, path);

        Assert.Equal((status, message), (response.Status, response.Message));
        Assert.Equal("application/json; charset=utf-8", response.ContentType);
    }

    [Theory]
    [InlineData("GET", "/v2/apps/%E2%80%8B", "App not found")]
    [InlineData("DELETE", "/v2/fns/a%C3%28b", "Fn not found")]
    [InlineData("GET", "/v2/triggers/%C3%28", "Trigger not found")]
    public async Task Request_IdWithBytesNoStoreHolds_404(string method, string path, string message)
    {
        var response = await _api.SendAsync(method, path);

        Assert.Equal((HttpStatusCode.NotFound, message), (response.Status, response.Message));
    }

    [Theory]
    [InlineData("/v2/fns", """{"app_id":"\u0000","name":"f","image":"i"}""", HttpStatusCode.NotFound, "App not found")]
    [InlineData("/v2/fns", """{"app_id":"\ud800","name":"f","image":"i"}""", HttpStatusCode.BadRequest, "Invalid JSON")]
    [InlineData("/v2/fns", """{"app_id":"A","name":"f","image":"img\u0000"}""", HttpStatusCode.BadRequest, "image must not contain control characters")]
    [InlineData("/v2/triggers", """{"app_id":"A","fn_id":"\u0000","name":"t","type":"http","source":"/s"}""", HttpStatusCode.NotFound, "App not found")]
    [InlineData("/v2/triggers", """{"app_id":"A","fn_id":"F","name":"t","type":"http","source":"/s\u007f"}""", HttpStatusCode.BadRequest, "trigger source must not contain control characters")]
    [InlineData("/v2/triggers", """{"app_id":"A","fn_id":"F","name":"t","type":"http","source":"/s\n"}""", HttpStatusCode.BadRequest, "trigger source must not contain control characters")]
    public async Task Create_TextNoStoreHolds_4xxNever500(string path, string body, HttpStatusCode status, string message)
    {
        var response = await _api.PostAsync(path, body);

        Assert.Equal((status, message), (response.Status, response.Message));
    }

    [Theory]
    [InlineData("/v2/apps?per_page=abc")]
    [InlineData("/v2/fns?per_page=1.5")]
    [InlineData("/v2/triggers?per_page=+")]
    [InlineData("/v2/apps?per_page=%2012")]
    [InlineData("/v2/apps?per_page=1e3")]
    public async Task List_PerPageNotANumber_400Json(string path)
    {
        var response = await _api.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("application/json; charset=utf-8", response.ContentType);
        Assert.StartsWith("per_page must be an integer (items per page: 30 when absent or below 1, at most 100), not '", response.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/version")]
    public async Task GetVersion_BothPaths_Version(string path) =>
        Assert.Equal("0.1.0", ApiHarness.Ok(await _api.GetAsync(path)).GetProperty("version").GetString());

    [Theory]
    [InlineData("/v2/apps", "POST")]
    [InlineData("/v2/fns", "POST")]
    [InlineData("/v2/triggers", "POST")]
    [InlineData("/v2/apps/x", "PUT")]
    public async Task Request_BodyOverMaxRequestSize_413WithFnsMessage(string path, string method)
    {
        _api.Server.Settings["FN_MAX_REQUEST_SIZE"] = "100";
        var body = $$"""{"name":"{{new string('a', 190)}}"}""";

        var response = await _api.SendAsync(method, path, body);

        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "Content-Length too large for this server, 201 > max 100"), (response.Status, response.Message));
    }

    [Fact]
    public async Task Request_ChunkedBodyOverMaxRequestSize_413()
    {
        _api.Server.Settings["FN_MAX_REQUEST_SIZE"] = "100";
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v2/apps", UriKind.Relative))
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($$"""{"name":"{{new string('a', 190)}}"}"""))),
        };
        request.Headers.TransferEncodingChunked = true;

        var response = await _api.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
        Assert.StartsWith("Content-Length too large for this server, ", response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_BodyAtMaxRequestSize_Accepted()
    {
        _api.Server.Settings["FN_MAX_REQUEST_SIZE"] = "100";
        var body = $$"""{"name":"{{new string('a', 89)}}"}""";

        Assert.Equal(100, Encoding.UTF8.GetByteCount(body));
        Assert.Equal(HttpStatusCode.OK, (await _api.PostAsync("/v2/apps", body)).Status);
    }

    [Fact]
    public async Task Request_StoreBroken_500WithoutExceptionText()
    {
        var broken = DispatchProxyCreate();
        await using var driver = new FakeContainerDriver();
        await using var server = new FnSharpServerFactory(driver);
        using var http = server.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.Replace(ServiceDescriptor.Singleton(broken)))).CreateClient();

        var response = await http.GetAsync(new Uri("/v2/apps", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("""{"message":"internal server error"}""", text);
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_RestartedOnSameSqliteFile_AppsFnsAndTriggersIntact()
    {
        var appId = (await _api.CreateAppAsync("kept", ""","config":{"A":"1"}""")).GetProperty("id").GetString()!;
        var fnId = (await _api.CreateFnAsync(appId, "f")).GetProperty("id").GetString()!;
        var trigger = await _api.CreateTriggerAsync(appId, fnId, "t", "/t");
        var app = ApiHarness.Ok(await _api.GetAsync($"/v2/apps/{appId}"));
        var fn = ApiHarness.Ok(await _api.GetAsync($"/v2/fns/{fnId}"));
        await _api.Server.DisposeAsync();

        await using var restarted = new ApiHarness(_api.Server.DataDirectory);

        Assert.Equal(app.GetRawText(), ApiHarness.Ok(await restarted.GetAsync($"/v2/apps/{appId}")).GetRawText());
        Assert.Equal(fn.GetRawText(), ApiHarness.Ok(await restarted.GetAsync($"/v2/fns/{fnId}")).GetRawText());
        Assert.Equal(trigger.GetRawText(), ApiHarness.Ok(await restarted.GetAsync($"/v2/triggers/{trigger.GetProperty("id").GetString()}")).GetRawText());
        Assert.Equal(HttpStatusCode.Conflict, (await restarted.PostAsync("/v2/apps", """{"name":"kept"}""")).Status);
        Assert.NotEqual(appId, (await restarted.CreateAppAsync("new")).GetProperty("id").GetString());
    }

    private static IDataStore DispatchProxyCreate() => System.Reflection.DispatchProxy.Create<IDataStore, ThrowingDataStoreProxy>();
}
