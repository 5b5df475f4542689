using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Builder;
using FnSharp.Server.Hosting;
using System.Net;
using System.Text.Json;
using FnSharp.Client;
using FnSharp.Core.Models;
using FnSharp.Testing;
using FnSharp.Testing.Fakes;
using FnSharp.Testing.Hosting;
using Microsoft.Extensions.Options;

namespace FnSharp.Server.Tests.Apis;

/// <summary>The runner's refusals through <c>/invoke</c>: 503 with <c>Retry-After</c>, 400 for too much memory, bad settings.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class InvokeAdmissionTests : IAsyncLifetime
{
    private readonly FakeContainerDriver _driver = new();
    private readonly FnSharpServerFactory _server;

    public InvokeAdmissionTests()
    {
        _server = new FnSharpServerFactory(_driver);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _driver.DisposeAsync();
    }

    [Fact]
    public async Task Invoke_NoCapacityWithinWait_503TooBusyWithRetryAfter()
    {
        _server.Settings["FN_MAX_WAIT_MSECS"] = "0";
        _server.Settings["FN_RETRY_AFTER_SECS"] = "3";
        var http = _server.CreateClient();
        var fn = await CreateFnAsync(new FnSharpClient(http), memory: 128);

        using var response = await http.PostAsync(new Uri($"/invoke/{fn.Id}", UriKind.Relative), new StringContent("x"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("3", response.Headers.GetValues("Retry-After").Single());
        Assert.True(response.Headers.Contains("Fn-Call-Id"));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Timed out - server too busy", body.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Invoke_Refused_BodyNamesTheLimitAndWhatItWas()
    {
        _server.Settings["FN_MAX_WAIT_MSECS"] = "0";
        var http = _server.CreateClient();
        var fn = await CreateFnAsync(new FnSharpClient(http), memory: 128);

        using var response = await http.PostAsync(new Uri($"/invoke/{fn.Id}", UriKind.Relative), new StringContent("x"));

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(
            ("Timed out - server too busy", "wait_time", "No container of the fn was free within the wait of 0 ms (FN_MAX_WAIT_MSECS) or the call's deadline."),
            (body.RootElement.GetProperty("message").GetString(), body.RootElement.GetProperty("reason").GetString(), body.RootElement.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task CreateFn_MaxConcurrencyNotAPositiveWholeNumber_400NamingTheAnnotation()
    {
        var http = _server.CreateClient();
        var app = await new FnSharpClient(http).CreateAppAsync(new App { Name = "capped" });

        using var response = await http.PostAsync(
            new Uri("/v2/fns", UriKind.Relative),
            new StringContent($$$"""{"app_id":"{{{app.Id}}}","name":"f","image":"img","annotations":{"fnsharp.io/max-concurrency":0}}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith("Invalid annotation fnsharp.io/max-concurrency: use a whole number from 1 to 100000", body.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Invoke_FnMemoryBeyondHost_400CannotBeAllocated()
    {
        _server.Settings["FN_MAX_TOTAL_MEMORY_BYTES"] = (64L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var client = _server.CreateFnClient();
        var fn = await CreateFnAsync(client, memory: 128);

        var result = await client.InvokeAsync(fn.Id, "x");

        Assert.Equal(HttpStatusCode.BadRequest, result.StatusCode);
        Assert.StartsWith("""{"message":"Requested CPU/Memory cannot be allocated: the fn asks 128 MiB and containers on this node may use 64 MiB in all""", result.Body, StringComparison.Ordinal);
        Assert.Equal(0, _driver.CreatedCount);
    }

    [Fact]
    public void Start_BadRunnerSetting_FailsNamingTheSetting()
    {
        // The start-up validation itself, without racing a host that stops as it starts.
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["FN_MAX_CONTAINER_OPS"] = "0" });
        builder.AddFnSharpServer();
        using var app = builder.Build();

        var e = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("FN_MAX_CONTAINER_OPS must be at least 1, not 0.", e.Failures);
    }

    private static async Task<Fn> CreateFnAsync(FnSharpClient client, int memory)
    {
        var app = await client.CreateAppAsync(new App { Name = "adm" + Guid.NewGuid().ToString("N")[..8] });
        return await client.CreateFnAsync(new Fn { Name = "f", AppId = app.Id, Image = "fake", Memory = memory });
    }
}
