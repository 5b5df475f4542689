using System.Net;
using System.Text;
using System.Text.Json;
using FnSharp.Testing.Fakes;
using FnSharp.Testing.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Server.Tests.Apis;

/// <summary>
/// The real server pipeline with a fake container driver and a fake clock, and raw JSON requests, so
/// that tests see exactly what Fn's clients see.
/// </summary>
internal sealed class ApiHarness : IAsyncDisposable
{
    private readonly FakeContainerDriver _driver = new();
    private HttpClient? _http;

    public ApiHarness(string? dataDirectory = null)
    {
        Server = new FnSharpServerFactory(_driver, dataDirectory) { Time = Time };
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 30, 10, 29, 7, 577, TimeSpan.Zero));

    public FnSharpServerFactory Server { get; }

    /// <summary>The fake containers' driver: handlers per fn, counts and barriers.</summary>
    public FakeContainerDriver Driver => _driver;

    private HttpClient Http => _http ??= Server.CreateClient();

    public async Task<ApiResponse> SendAsync(string method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return await SendAsync(request);
    }

    public async Task<ApiResponse> SendAsync(HttpRequestMessage request)
    {
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonElement? json = text.Length == 0 ? null : JsonDocument.Parse(text).RootElement.Clone();
        return new ApiResponse(response.StatusCode, response.Content.Headers.ContentType?.ToString(), json);
    }

    public Task<ApiResponse> PostAsync(string path, string body) => SendAsync("POST", path, body);

    public Task<ApiResponse> PutAsync(string path, string body) => SendAsync("PUT", path, body);

    public Task<ApiResponse> GetAsync(string path) => SendAsync("GET", path);

    public Task<ApiResponse> DeleteAsync(string path) => SendAsync("DELETE", path);

    /// <summary>Creates an app and returns its body; fails the test unless the answer is 200.</summary>
    public async Task<JsonElement> CreateAppAsync(string name, string extra = "") =>
        Ok(await PostAsync("/v2/apps", $$"""{"name":{{JsonSerializer.Serialize(name)}}{{extra}}}"""));

    /// <summary>Creates a fn and returns its body.</summary>
    public async Task<JsonElement> CreateFnAsync(string appId, string name, string extra = "") =>
        Ok(await PostAsync("/v2/fns", $$"""{"app_id":"{{appId}}","name":{{JsonSerializer.Serialize(name)}},"image":"fnsharp/test:1"{{extra}}}"""));

    /// <summary>Creates an http trigger and returns its body.</summary>
    public async Task<JsonElement> CreateTriggerAsync(string appId, string fnId, string name, string source, string extra = "") =>
        Ok(await PostAsync("/v2/triggers", $$"""{"app_id":"{{appId}}","fn_id":"{{fnId}}","name":{{JsonSerializer.Serialize(name)}},"type":"http","source":{{JsonSerializer.Serialize(source)}}{{extra}}}"""));

    public static JsonElement Ok(ApiResponse response)
    {
        Assert.True(response.Status == HttpStatusCode.OK, $"{response.Status}: {response.Message}");
        return response.Json;
    }

    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        await Server.DisposeAsync();
        await _driver.DisposeAsync();
    }
}
