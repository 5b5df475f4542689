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

    [Fact]
    public async Task UpdateAndDelete_AppFnTrigger_RoundTrip()
    {
        var app = await _client.CreateAppAsync(new App { Name = "crud" });
        var fn = await _client.CreateFnAsync(new Fn { Name = "f", AppId = app.Id, Image = "img" });
        var trigger = await _client.CreateTriggerAsync(new Trigger { Name = "t", AppId = app.Id, FnId = fn.Id, Type = "http", Source = "/t" });

        var updatedApp = await _client.UpdateAppAsync(new App { Id = app.Id, Config = new Dictionary<string, string> { ["A"] = "1" } });
        var updatedFn = await _client.UpdateFnAsync(new Fn { Id = fn.Id, Image = "img:2" });
        var updatedTrigger = await _client.UpdateTriggerAsync(new Trigger { Id = trigger.Id, Source = "/u" });

        Assert.Equal("1", updatedApp.Config["A"]);
        Assert.Equal("img:2", updatedFn.Image);
        Assert.Equal("/u", updatedTrigger.Source);
        Assert.Equal(trigger.Id, Assert.Single((await _client.ListTriggersAsync(appId: app.Id, fnId: fn.Id)).Items).Id);
        Assert.Equal("/u", (await _client.GetTriggerAsync(trigger.Id)).Source);

        await _client.DeleteTriggerAsync(trigger.Id);
        await _client.DeleteFnAsync(fn.Id);
        await _client.DeleteAppAsync(app.Id);
        var e = await Assert.ThrowsAsync<FnApiException>(() => _client.DeleteAppAsync(app.Id));

        Assert.Equal((HttpStatusCode.NotFound, "App not found"), (e.StatusCode, e.Message));
    }
}
