using System.Net;
using FnSharp.Client;
using FnSharp.Core.Models;
using FnSharp.Testing;
using FnSharp.Testing.Docker;
using FnSharp.Testing.Hosting;

namespace FnSharp.Server.Tests.Integration;

/// <summary>
/// A fn or app deleted through the API on the real Docker engine: its hot container is removed at once, not at its
/// idle timeout (an hour here, so only the removal ends it within the test). Waits on the engine's own events.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class FnRemovalOnDockerTests : IAsyncLifetime
{
    private const string TestFn = "fnsharp/testfn:latest";

    private readonly FnSharpServerFactory _server = new();
    private readonly EngineProbe _engine = new();
    private HttpClient _http = null!;
    private FnSharpClient _client = null!;

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
        _engine.Dispose();
    }

    [Fact]
    public async Task DeleteFn_HotContainer_RemovedFromTheEngineAtOnce()
    {
        var fn = await CreateFnAsync("removed-fn");
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
        var fn = await CreateFnAsync("removed-app");
        await _client.InvokeAsync(fn.Id, """{"body":"hi"}""");
        Assert.Single(await _engine.WaitForContainersOfFnAsync(fn.Id, n => n == 1));

        await _client.DeleteAppAsync(fn.AppId);

        Assert.Empty(await _engine.WaitForContainersOfFnAsync(fn.Id, n => n == 0));
    }

    private async Task<Fn> CreateFnAsync(string appName)
    {
        var app = await _client.CreateAppAsync(new App { Name = appName });
        return await _client.CreateFnAsync(new Fn { Name = "f", AppId = app.Id, Image = TestFn, IdleTimeout = 3600 });
    }
}
