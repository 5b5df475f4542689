using FnSharp.Testing;

namespace FnSharp.Fdk.Tests;

/// <summary>Calls through an HTTP trigger: the client's request in, the client's status and headers out.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class FdkTriggerTests : IAsyncLifetime
{
    private readonly FdkServer _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _server.DisposeAsync().AsTask();

    [Fact]
    public async Task ServeAsync_TriggerCall_HandlerSeesClientMethodUrlAndHeaders()
    {
        FnHttpContext? seen = null;
        await _server.StartAsync(Fdk.Text((context, _) =>
        {
            seen = context.Http;
            return Task.FromResult("ok");
        }));
        var headers = FdkServer.TriggerHeaders("DELETE", "http://localhost:8080/t/shop/orders/3?force=1", ("Accept", "text/plain"), ("X-Request-Id", "r-1"), ("Content-Type", "text/csv"));

        using var response = await _server.CallAsync("a,b", FdkServer.NoDeadline, headers);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.NotNull(seen);
        Assert.Equal("DELETE", seen.Method);
        Assert.Equal("http://localhost:8080/t/shop/orders/3?force=1", seen.RequestUrl);
        Assert.Equal("text/plain", seen.Headers["Accept"]);
        Assert.Equal("r-1", seen.Headers["x-request-id"]);
        Assert.Equal("text/csv", seen.Headers["Content-Type"]);
        Assert.DoesNotContain(seen.Headers.Keys, name => name.StartsWith("Fn-", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ServeAsync_InvokeCall_HttpNullAndNoFnHttpHeadersInAnswer()
    {
        var http = new TaskCompletionSource<FnHttpContext?>();
        await _server.StartAsync(Fdk.Text((context, _) =>
        {
            http.SetResult(context.Http);
            return Task.FromResult("ok");
        }));

        using var response = await _server.CallAsync("x", FdkServer.NoDeadline, [KeyValuePair.Create("Accept", "text/plain")]);

        Assert.Null(await http.Task);
        Assert.DoesNotContain(response.Headers, h => h.Key.StartsWith("Fn-Http-", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ServeAsync_TriggerHandlerSetsStatusAndHeaders_SentAsFnHttpStatusAndFnHttpH()
    {
        await _server.StartAsync(Fdk.Text((context, _) =>
        {
            context.Http!.StatusCode = 201;
            context.Http.ResponseHeaders["Location"] = "/orders/4";
            context.Http.ResponseHeaders["X-Version"] = "7";
            return Task.FromResult("created");
        }));

        using var response = await _server.CallAsync("x", FdkServer.NoDeadline, FdkServer.TriggerHeaders("POST", "http://h/t/shop/orders"));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("201", response.Headers.GetValues("Fn-Http-Status").Single());
        Assert.Equal("/orders/4", response.Headers.GetValues("Fn-Http-H-Location").Single());
        Assert.Equal("7", response.Headers.GetValues("Fn-Http-H-X-Version").Single());
        Assert.Equal("created", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ServeAsync_TriggerHandlerSetsNothing_FnHttpStatus200()
    {
        await _server.StartAsync(Fdk.Text((_, _) => Task.FromResult("ok")));

        using var response = await _server.CallAsync("x", FdkServer.NoDeadline, FdkServer.TriggerHeaders("GET", "http://h/t/shop"));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("200", response.Headers.GetValues("Fn-Http-Status").Single());
        Assert.DoesNotContain(response.Headers, h => h.Key.StartsWith("Fn-Http-H-", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ServeAsync_TriggerHandlerSetsContentTypeHeader_AnswerContentType()
    {
        await _server.StartAsync(Fdk.Text((context, _) =>
        {
            context.Http!.ResponseHeaders["content-type"] = "text/html";
            return Task.FromResult("<p>hi</p>");
        }));

        using var response = await _server.CallAsync("x", FdkServer.NoDeadline, FdkServer.TriggerHeaders("GET", "http://h/t/shop"));

        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(response.Headers, h => h.Key.StartsWith("Fn-Http-H-", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ServeAsync_RawFnHttpStatusHeader_WinsOverHttpStatusCode()
    {
        await _server.StartAsync(Fdk.Text((context, _) =>
        {
            context.Http!.StatusCode = 404;
            context.ResponseHeaders["Fn-Http-Status"] = "418";
            return Task.FromResult("teapot");
        }));

        using var response = await _server.CallAsync("x", FdkServer.NoDeadline, FdkServer.TriggerHeaders("GET", "http://h/t/shop"));

        Assert.Equal("418", response.Headers.GetValues("Fn-Http-Status").Single());
    }

    [Fact]
    public async Task ServeAsync_TriggerHandlerThrows_502WithoutFnHttpStatus()
    {
        await _server.StartAsync(Fdk.Text((context, _) =>
        {
            context.Http!.StatusCode = 201;
            throw new InvalidOperationException("boom");
        }));

        using var response = await _server.CallAsync("x", FdkServer.NoDeadline, FdkServer.TriggerHeaders("GET", "http://h/t/shop"));

        Assert.Equal(502, (int)response.StatusCode);
        Assert.False(response.Headers.Contains("Fn-Http-Status"));
        Assert.Equal("{\"message\":\"InvalidOperationException: boom\"}", await response.Content.ReadAsStringAsync());
    }
}
