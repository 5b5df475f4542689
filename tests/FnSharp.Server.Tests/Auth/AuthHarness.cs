using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FnSharp.Server.Tests.Apis;

namespace FnSharp.Server.Tests.Auth;

/// <summary>
/// The real server pipeline (<see cref="ApiHarness"/>: fake driver, fake clock) with keys required through
/// <c>FN_ADMIN_TOKEN</c> unless told otherwise, and requests that carry a token as Fn's CLI sends it.
/// </summary>
internal sealed class AuthHarness : IAsyncDisposable
{
    /// <summary>The server's <c>FN_ADMIN_TOKEN</c>.</summary>
    public const string AdminToken = "test-admin-token-0123456789abcdefghijklmnopqrstuv";

    private HttpClient? _http;

    public AuthHarness(string? dataDirectory = null, bool adminToken = true)
    {
        Api = new ApiHarness(dataDirectory);
        if (adminToken)
        {
            Api.Server.Settings["FN_ADMIN_TOKEN"] = AdminToken;
        }
    }

    public ApiHarness Api { get; }

    /// <summary>Settings of the server, set before the first request.</summary>
    public Dictionary<string, string> Settings => Api.Server.Settings;

    private HttpClient Http => _http ??= Api.Server.CreateClient();

    /// <summary>Sends a request with <c>Authorization: Bearer &lt;token&gt;</c> (exactly as Fn's CLI writes it) when <paramref name="token"/> is set.</summary>
    public async Task<Reply> SendAsync(string method, string path, string? token, string? body = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (token is not null)
        {
            // Added without validation, as the raw header line "Authorization: Bearer <token>".
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return await SendAsync(request);
    }

    public async Task<Reply> SendAsync(HttpRequestMessage request)
    {
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonElement? json = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/json" && text.Length > 0)
        {
            // A function's answer may claim JSON and be anything.
            try
            {
                json = JsonDocument.Parse(text).RootElement.Clone();
            }
            catch (JsonException)
            {
                json = null;
            }
        }

        return new Reply((int)response.StatusCode, response.Headers, text, json);
    }

    /// <summary>Creates an app with the admin token and returns its id.</summary>
    public async Task<string> CreateAppAsync(string name, string extra = "") =>
        Ok(await SendAsync("POST", "/v2/apps", AdminToken, $$"""{"name":"{{name}}"{{extra}}}""")).GetProperty("id").GetString()!;

    /// <summary>Creates a fn with the admin token and returns its id.</summary>
    public async Task<string> CreateFnAsync(string appId, string name, string image = "fnsharp/test:1") =>
        Ok(await SendAsync("POST", "/v2/fns", AdminToken, $$"""{"app_id":"{{appId}}","name":"{{name}}","image":"{{image}}"}""")).GetProperty("id").GetString()!;

    /// <summary>Creates an http trigger with the admin token and returns its id.</summary>
    public async Task<string> CreateTriggerAsync(string appId, string fnId, string name, string source, string extra = "") =>
        Ok(await SendAsync("POST", "/v2/triggers", AdminToken, $$"""{"app_id":"{{appId}}","fn_id":"{{fnId}}","name":"{{name}}","type":"http","source":"{{source}}"{{extra}}}""")).GetProperty("id").GetString()!;

    /// <summary>Creates a key with the admin token and returns its id and token.</summary>
    public async Task<(string Id, string Token)> CreateKeyAsync(string name, params string[] scopes)
    {
        var key = Ok(await SendAsync("POST", "/v2/keys", AdminToken, JsonSerializer.Serialize(new { name, scopes })));
        return (key.GetProperty("id").GetString()!, key.GetProperty("token").GetString()!);
    }

    public static JsonElement Ok(Reply reply)
    {
        Assert.True(reply.Status == 200, $"{reply.Status}: {reply.Text}");
        return reply.Json!.Value;
    }

    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        await Api.DisposeAsync();
    }

    /// <summary>An answer: status, headers, body text and its JSON when it is JSON.</summary>
    public sealed record Reply(int Status, HttpResponseHeaders Headers, string Text, JsonElement? Json)
    {
        public string? Message => Json is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty("message", out var m) ? m.GetString() : null;

        public string? Header(string name) => Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;
    }
}
