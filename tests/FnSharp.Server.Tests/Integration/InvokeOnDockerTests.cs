using System.Net;
using FnSharp.Core.Models;
using FnSharp.Testing;
using FnSharp.Testing.Docker;
using FnSharp.Testing.Hosting;

namespace FnSharp.Server.Tests.Integration;

/// <summary>
/// The main job end to end on the real Docker engine: the API creates an app and the hello fn
/// (image <c>fnsharp/hello-csharp:latest</c>, built by <c>scripts/build-images.sh</c>), and /invoke
/// runs it in a real container.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class InvokeOnDockerTests : IAsyncLifetime
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
    public async Task Invoke_HelloTwice_BothAnsweredByOneContainer()
    {
        var client = _server.CreateFnClient();
        var app = await client.CreateAppAsync(new App { Name = "hello-app" });
        var fn = await client.CreateFnAsync(new Fn { Name = "hello", AppId = app.Id, Image = "fnsharp/hello-csharp:latest" });

        var first = await client.InvokeAsync(fn.Id, """{"name":"Ada"}""");
        var afterFirst = await _engine.ContainersOfFnAsync(fn.Id);
        var second = await client.InvokeAsync(fn.Id, """{"name":"Grace"}""");
        var afterSecond = await _engine.ContainersOfFnAsync(fn.Id);

        Assert.Equal((HttpStatusCode.OK, """{"message":"Hello, Ada!"}"""), (first.StatusCode, first.Body));
        Assert.Equal((HttpStatusCode.OK, """{"message":"Hello, Grace!"}"""), (second.StatusCode, second.Body));
        Assert.NotNull(first.CallId);
        Assert.NotEqual(first.CallId, second.CallId);
        Assert.Equal(afterFirst, afterSecond);
        Assert.Single(afterSecond);
    }

    [Fact]
    public async Task Trigger_HelloOnCsharpFdk_AnswersAndBadInputIsTheClients400()
    {
        var client = _server.CreateFnClient();
        using var http = _server.CreateClient();
        var app = await client.CreateAppAsync(new App { Name = "hello-trigger" });
        var fn = await client.CreateFnAsync(new Fn { Name = "hello", AppId = app.Id, Image = "fnsharp/hello-csharp:latest" });
        await client.CreateTriggerAsync(new Trigger { Name = "t", AppId = app.Id, FnId = fn.Id, Type = "http", Source = "/hello" });

        using var good = await http.PostAsync(new Uri("/t/hello-trigger/hello", UriKind.Relative), new StringContent("""{"name":"Trigger"}"""));
        using var bad = await http.PostAsync(new Uri("/t/hello-trigger/hello", UriKind.Relative), new StringContent("not json"));
        var invokedBad = await client.InvokeAsync(fn.Id, "not json");

        Assert.Equal((HttpStatusCode.OK, """{"message":"Hello, Trigger!"}"""), (good.StatusCode, await good.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/json", bad.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("""{"message":"Invalid input: the body is not valid JSON for Person: """, await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.BadGateway, """{"message":"function failed"}"""), (invokedBad.StatusCode, invokedBad.Body));
    }

    [Fact]
    public async Task Invoke_NodeFunctionOnFnsNodeFdk_Answers()
    {
        var client = _server.CreateFnClient();
        var app = await client.CreateAppAsync(new App { Name = "node-app" });
        var fn = await client.CreateFnAsync(new Fn { Name = "hello-node", AppId = app.Id, Image = "fnsharp/hello-node:latest" });

        var result = await client.InvokeAsync(fn.Id, """{"name":"Node"}""");

        Assert.Equal((HttpStatusCode.OK, """{"message":"Hello, Node!"}"""), (result.StatusCode, result.Body));
    }

    [Fact]
    public async Task HttpTrigger_NodeFunctionOnFnsNodeFdk_AnswersThroughTheGateway()
    {
        var client = _server.CreateFnClient();
        var app = await client.CreateAppAsync(new App { Name = "node-trigger-app" });
        var fn = await client.CreateFnAsync(new Fn { Name = "hello-node", AppId = app.Id, Image = "fnsharp/hello-node:latest" });
        await client.CreateTriggerAsync(new Trigger { Name = "hello", AppId = app.Id, FnId = fn.Id, Type = "http", Source = "/hello" });
        using var http = _server.CreateClient();

        using var response = await http.PostAsync(
            new Uri("/t/node-trigger-app/hello", UriKind.Relative),
            new StringContent("""{"name":"Trigger"}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"message":"Hello, Trigger!"}""", await response.Content.ReadAsStringAsync());
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        Assert.True(response.Headers.Contains("Fn-Call-Id"));
    }

    [Fact]
    public async Task Invoke_MissingImage_FastClearError()
    {
        var client = _server.CreateFnClient();
        var app = await client.CreateAppAsync(new App { Name = "missing-app" });
        var fn = await client.CreateFnAsync(new Fn { Name = "ghost", AppId = app.Id, Image = "fnsharp/no-such-image:1" });

        var result = await client.InvokeAsync(fn.Id, "{}");

        Assert.Equal(HttpStatusCode.BadGateway, result.StatusCode);
        Assert.Contains("fnsharp/no-such-image:1", result.Body, StringComparison.Ordinal);
        Assert.Empty(await _engine.ContainersOfFnAsync(fn.Id));
    }

    [Fact]
    public async Task StopServer_AfterCalls_NoContainerLeft()
    {
        var client = _server.CreateFnClient();
        var app = await client.CreateAppAsync(new App { Name = "stop-app" });
        var fn = await client.CreateFnAsync(new Fn { Name = "hello", AppId = app.Id, Image = "fnsharp/hello-csharp:latest" });
        await client.InvokeAsync(fn.Id, "{}");
        Assert.Single(await _engine.ContainersOfFnAsync(fn.Id));

        await _server.DisposeAsync();

        Assert.Empty(await _engine.ContainersOfFnAsync(fn.Id));
    }
}
