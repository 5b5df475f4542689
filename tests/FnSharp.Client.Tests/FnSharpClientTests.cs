using System.Net;
using FnSharp.Core.Models;
using FnSharp.Testing;
using FnSharp.Testing.Fakes;
using FnSharp.Testing.Hosting;

namespace FnSharp.Client.Tests;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class FnSharpClientTests : IAsyncLifetime
{
    private readonly FakeContainerDriver _driver = new();
    private readonly FnSharpServerFactory _server;
    private readonly FnSharpClient _client;

    public FnSharpClientTests()
    {
        _server = new FnSharpServerFactory(_driver);
        _client = _server.CreateFnClient();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _driver.DisposeAsync();
    }

    [Fact]
    public async Task CreateAndGet_AppAndFn_RoundTrip()
    {
        var app = await _client.CreateAppAsync(new App { Name = "client-app" });
        var fn = await _client.CreateFnAsync(new Fn { Name = "f", AppId = app.Id, Image = "img", Memory = 64 });

        Assert.Equal(app, (await _client.GetAppAsync(app.Id)) with { Config = app.Config, Annotations = app.Annotations });
        Assert.Equal(64, (await _client.GetFnAsync(fn.Id)).Memory);
        Assert.Equal("client-app", Assert.Single((await _client.ListAppsAsync(name: "client-app")).Items).Name);
        Assert.Equal("f", Assert.Single((await _client.ListFnsAsync(appId: app.Id)).Items).Name);
    }

    [Fact]
    public async Task CreateFn_ServerRefuses_FnApiExceptionWithServerMessage()
    {
        var e = await Assert.ThrowsAsync<FnApiException>(() => _client.CreateFnAsync(new Fn { Name = "f", AppId = "x" }));

        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Equal("Missing image", e.Message);
    }

    [Fact]
    public async Task InvokeAsync_ErrorAnswer_ReturnedNotThrown()
    {
        var result = await _client.InvokeAsync("01M8P1J06Q0004AM48VSSRJMF2", "{}");

        Assert.Equal(HttpStatusCode.NotFound, result.StatusCode);
        Assert.Equal("""{"message":"Fn not found"}""", result.Body);
        Assert.NotNull(result.CallId);
    }
}
