using System.Net;
using FnSharp.Core.Errors;
using FnSharp.Server.Apis;
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

    [Theory]
    [InlineData("/v2/apps?per_page=abc", "abc")]
    [InlineData("/v2/fns?per_page=1e3", "1e3")]
    [InlineData("/v2/triggers?per_page=12abc", "12abc")]
    [InlineData("/v2/nodes?per_page=abc", "abc")]
    [InlineData("/v2/keys?per_page=1.5", "1.5")]
    [InlineData("/v2/audit?per_page=x", "x")]
    [InlineData("/v2/fns/01HZZZZZZZZZZZZZZZZZZZZZZZ/calls?per_page=-", "-")]
    public async Task QueryParameterOfTheWrongType_400NamingIt(string path, string value)
    {
        using var client = _factory.CreateClient();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal($$"""{"message":"per_page must be an integer (items per page: 30 when absent or below 1, at most 100), not '{{value}}'"}""", body);
    }

    [Theory]
    [InlineData("Failed to bind parameter \"Nullable<int> limit\" from \"abc\".", "limit must be an integer, not 'abc'")]
    [InlineData("Failed to bind parameter \"Nullable<int> limit\" from \"99999999999\".", "limit must be an integer from -2147483648 to 2147483647, not '99999999999'")]
    [InlineData("Failed to bind parameter \"uint count\" from \"-1\".", "count must be an integer from 0 to 4294967295, not '-1'")]
    [InlineData("Failed to bind parameter \"long size\" from \"\"\".", "size must be an integer, not '\"'")]
    [InlineData("Failed to bind parameter \"Nullable<bool> all\" from \"yes\".", "all must be true or false, not 'yes'")]
    [InlineData("Failed to bind parameter \"Nullable<double> share\" from \"half\".", "share must be a number, not 'half'")]
    public void ParameterErrors_FrameworksMessage_SaysWhatTheParameterTakes(string message, string expected) =>
        Assert.Equal(new ApiError(400, expected), ParameterErrors.Of(message));

    [Fact]
    public void ParameterErrors_LongValue_CutInTheMessage() =>
        Assert.Equal(
            $"n must be an integer from -2147483648 to 2147483647, not '{new string('9', 64)}...'",
            ParameterErrors.Of($"Failed to bind parameter \"int n\" from \"{new string('9', 100)}\".")!.Message);

    [Fact]
    public void ParameterErrors_OtherMessage_Null() =>
        Assert.Null(ParameterErrors.Of("Required parameter \"string name\" was not provided from query string."));
}
