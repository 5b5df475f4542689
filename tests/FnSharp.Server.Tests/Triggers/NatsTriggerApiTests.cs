using System.Net;
using System.Text;
using System.Text.Json;
using FnSharp.Server.Tests.Detached;
using FnSharp.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FnSharp.Server.Tests.Triggers;

/// <summary>
/// Nats triggers through the real server pipeline without a NATS server: refused where NATS is not
/// configured, checked, and stored while NATS cannot be reached (the server runs on).
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class NatsTriggerApiTests : IAsyncDisposable
{
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    private const string Unreachable = "nats://127.0.0.1:1";

    private readonly List<DetachedCallHarness> _harnesses = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var harness in _harnesses)
        {
            await harness.DisposeAsync();
        }
    }

    [Fact]
    public async Task Create_NoNatsConfigured_400SayingSo()
    {
        var harness = Harness(null, out _);
        var (appId, fnId) = await harness.CreateFnAsync("app", "fn");

        var (status, message) = await CreateAsync(harness, appId, fnId, "orders.created");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("This server has no NATS configured, so it cannot run nats triggers: set FN_NATS_URL (for example nats://127.0.0.1:4222) on every node and restart it", message);
    }

    [Fact]
    public async Task Create_BadSubject_400NamingIt()
    {
        var harness = Harness(Unreachable, out _);
        var (appId, fnId) = await harness.CreateFnAsync("app", "fn");

        var (status, message) = await CreateAsync(harness, appId, fnId, "orders..created");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("Invalid NATS subject 'orders..created': use tokens", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_NatsUnreachable_ServerRunsAndStoresTheTrigger()
    {
        var harness = Harness(Unreachable, out var events);
        var (appId, fnId) = await harness.CreateFnAsync("app", "fn");

        var failedAt = await events.NextConnectFailedAsync();
        var (status, _) = await CreateAsync(harness, appId, fnId, "orders.created");
        using var list = await harness.Http.GetAsync(new Uri($"/v2/triggers?app_id={appId}", UriKind.Relative));
        var items = JsonDocument.Parse(await list.Content.ReadAsStringAsync()).RootElement.GetProperty("items");

        Assert.Equal(Unreachable, failedAt);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(("nats", "orders.created"), (items[0].GetProperty("type").GetString(), items[0].GetProperty("source").GetString()));
    }

    private static async Task<(HttpStatusCode Status, string? Message)> CreateAsync(DetachedCallHarness harness, string appId, string fnId, string subject)
    {
        using var response = await harness.Http.PostAsync(
            new Uri("/v2/triggers", UriKind.Relative),
            new StringContent($$"""{"app_id":"{{appId}}","fn_id":"{{fnId}}","name":"on-order","type":"nats","source":"{{subject}}"}""", Encoding.UTF8, "application/json"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (response.StatusCode, body.TryGetProperty("message", out var message) ? message.GetString() : null);
    }

    private DetachedCallHarness Harness(string? natsUrl, out NatsEvents events)
    {
        var observed = new NatsEvents();
        var settings = new Dictionary<string, string> { ["FN_ASYNC_MAX_CONCURRENT"] = "0" };
        if (natsUrl is not null)
        {
            settings["FN_NATS_URL"] = natsUrl;
        }

        var harness = new DetachedCallHarness(settings) { TestServices = services => services.AddSingleton<Server.Triggers.INatsTriggerObserver>(observed) };
        _harnesses.Add(harness);
        events = observed;
        return harness;
    }
}
