using System.Net;
using FnSharp.Testing;
using FnSharp.Testing.Fakes;
using FnSharp.Testing.Hosting;
using FnSharp.Testing.Logging;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace FnSharp.Server.Tests.Apis;

/// <summary>What the server logs when it answers an error: an API error is an answer, not a failure.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class ErrorHandlingTests : IAsyncLifetime
{
    private readonly CapturingLoggerProvider _logs = new();
    private readonly FnSharpServerFactory _factory = new(new FakeContainerDriver());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Theory]
    [InlineData("GET", "/v2/apps/nosuchapp", HttpStatusCode.NotFound)]
    [InlineData("GET", "/v2/fns/01HZZZZZZZZZZZZZZZZZZZZZZZ/calls/01HZZZZZZZZZZZZZZZZZZZZZZZ", HttpStatusCode.NotFound)]
    [InlineData("POST", "/v2/apps", HttpStatusCode.BadRequest)]
    public async Task ApiError_AnsweredWithoutAnErrorLogLine(string method, string path, HttpStatusCode expected)
    {
        using var client = _factory.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(_logs))).CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? new StringContent("{") : null };

        using var response = await client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        Assert.DoesNotContain(_logs.Logger.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task QueryParameterOfTheWrongType_400NamingIt()
    {
        using var client = _factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/v2/apps?per_page=abc", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("per_page", body, StringComparison.Ordinal);
        Assert.Contains("abc", body, StringComparison.Ordinal);
    }
}
