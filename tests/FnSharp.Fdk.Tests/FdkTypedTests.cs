using System.Text.Json;
using FnSharp.Testing;

namespace FnSharp.Fdk.Tests;

/// <summary>The typed handler: JSON in and out through source-generated metadata.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class FdkTypedTests : IAsyncLifetime
{
    private readonly FdkServer _server = new();
    private int _handlerCalls;

    public Task InitializeAsync() => _server.StartAsync(Fdk.Json(TestJson.Default.Order, TestJson.Default.Receipt, HandleAsync));

    public Task DisposeAsync() => _server.DisposeAsync().AsTask();

    [Fact]
    public async Task Json_ValidInput_HandlerGetsValueAndAnswerIsJson()
    {
        using var response = await _server.CallAsync("""{"item":"tea","quantity":2}""", FdkServer.NoDeadline);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"text":"2 x tea"}""", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    public async Task Json_EmptyOrNullBody_HandlerGetsNull(string body)
    {
        using var response = await _server.CallAsync(body, FdkServer.NoDeadline);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("""{"text":"nothing"}""", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"item":"tea","quantity":"two"}""")]
    [InlineData("[1,2]")]
    public async Task Json_InvalidInputOnInvoke_502WithMessageAndHandlerNotCalled(string body)
    {
        using var response = await _server.CallAsync(body, FdkServer.NoDeadline);

        Assert.Equal(502, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("Invalid input: the body is not valid JSON for Order: ", await MessageAsync(response), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Fn-Http-Status"));
        Assert.Equal(0, _handlerCalls);
    }

    [Fact]
    public async Task Json_InvalidInputOnTrigger_ClientStatus400WithMessage()
    {
        using var response = await _server.CallAsync("not json", FdkServer.NoDeadline, FdkServer.TriggerHeaders("POST", "http://h/t/shop/orders"));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("400", response.Headers.GetValues("Fn-Http-Status").Single());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            "Invalid input: the body is not valid JSON for Order: 'not json' is an invalid JSON literal. Expected the literal 'null'. Path: $ | LineNumber: 0 | BytePositionInLine: 1.",
            await MessageAsync(response));
        Assert.Equal(0, _handlerCalls);
    }

    [Fact]
    public async Task Json_HandlerThrows_502WithJsonMessage()
    {
        using var response = await _server.CallAsync("""{"item":"bomb","quantity":1}""", FdkServer.NoDeadline);

        Assert.Equal(502, (int)response.StatusCode);
        Assert.Equal("InvalidOperationException: exploded", await MessageAsync(response));
    }

    [Fact]
    public async Task Json_HandlerCancelledAtDeadline_504TimedOut()
    {
        using var response = await _server.CallAsync("""{"item":"slow","quantity":1}""", DateTimeOffset.UtcNow.AddSeconds(-1));

        Assert.Equal(504, (int)response.StatusCode);
        Assert.Equal("Timed out", await MessageAsync(response));
    }

    [Fact]
    public async Task Json_TriggerCall_HandlerStatusSentAsFnHttpStatus()
    {
        await using var server = new FdkServer();
        await server.StartAsync(Fdk.Json(TestJson.Default.Order, TestJson.Default.Receipt, (context, order) =>
        {
            context.Http!.StatusCode = 404;
            return Task.FromResult(new Receipt("no " + order!.Item));
        }));

        using var response = await server.CallAsync("""{"item":"tea","quantity":1}""", FdkServer.NoDeadline, FdkServer.TriggerHeaders("GET", "http://h/t/shop"));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("404", response.Headers.GetValues("Fn-Http-Status").Single());
        Assert.Equal("""{"text":"no tea"}""", await response.Content.ReadAsStringAsync());
    }

    private async Task<Receipt> HandleAsync(FnContext context, Order? order)
    {
        Interlocked.Increment(ref _handlerCalls);
        switch (order?.Item)
        {
            case null:
                return new Receipt("nothing");
            case "bomb":
                throw new InvalidOperationException("exploded");
            case "slow":
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
                return new Receipt("never");
            default:
                return new Receipt($"{order.Quantity} x {order.Item}");
        }
    }

    private static async Task<string?> MessageAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("message").GetString();
    }
}
