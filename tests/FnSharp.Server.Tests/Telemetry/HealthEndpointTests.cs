using System.Net;
using FnSharp.Testing;
using FnSharp.Testing.Fakes;
using FnSharp.Testing.Hosting;

namespace FnSharp.Server.Tests.Telemetry;

/// <summary><c>/health/live</c> and <c>/health/ready</c> against a fake Docker engine that goes away and comes back.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class HealthEndpointTests : IAsyncLifetime
{
    private readonly FakeContainerDriver _driver = new();
    private readonly FakeDockerEngine _engine = new();
    private readonly FnSharpServerFactory _server;

    public HealthEndpointTests()
    {
        _server = new FnSharpServerFactory(_driver);
        _server.Settings["FN_DOCKER_HOST"] = _engine.Endpoint;
    }

    public Task InitializeAsync() => _engine.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _driver.DisposeAsync();
        await _engine.DisposeAsync();
    }

    [Fact]
    public async Task Ready_EngineGoesAwayAndComesBack_FalseThenTrueAgain()
    {
        var http = _server.CreateClient();

        Assert.Equal((HttpStatusCode.OK, "Healthy"), await GetAsync(http, "/health/ready"));

        await _engine.StopAsync();
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "Unhealthy"), await GetAsync(http, "/health/ready"));
        Assert.Equal((HttpStatusCode.OK, "Healthy"), await GetAsync(http, "/health/live"));

        await _engine.StartAsync();
        Assert.Equal((HttpStatusCode.OK, "Healthy"), await GetAsync(http, "/health/ready"));
        Assert.Equal(2, _engine.Pings);
    }

    [Fact]
    public async Task Live_EngineUnreachable_StillHealthy()
    {
        await _engine.StopAsync();
        var http = _server.CreateClient();

        Assert.Equal((HttpStatusCode.OK, "Healthy"), await GetAsync(http, "/health/live"));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "Unhealthy"), await GetAsync(http, "/health/ready"));
    }

    private static async Task<(HttpStatusCode, string)> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
