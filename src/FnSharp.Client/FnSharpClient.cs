using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using FnSharp.Core.Models;

namespace FnSharp.Client;

/// <summary>
/// A typed client for the v2 API of FnSharp (and of Fn's server). Errors come back as
/// <see cref="FnApiException"/> carrying the server's status and message.
/// </summary>
public sealed class FnSharpClient
{
    /// <summary>The header that makes an invocation detached, as in Fn.</summary>
    public const string InvokeTypeHeader = "Fn-Invoke-Type";

    /// <summary>The value of <see cref="InvokeTypeHeader"/> for a detached call.</summary>
    public const string DetachedInvokeType = "detached";

    private readonly HttpClient _http;

    /// <summary>Creates a client on <paramref name="http"/>, whose <see cref="HttpClient.BaseAddress"/> is the server, for example <c>http://localhost:8080/</c>.</summary>
    public FnSharpClient(HttpClient http)
        : this(http, null)
    {
    }

    /// <summary>
    /// Creates a client on <paramref name="http"/> that sends <paramref name="token"/>, when set, on every request as
    /// <c>Authorization: Bearer &lt;token&gt;</c> (as Fn's CLI sends its <c>token</c>), set on <paramref name="http"/>'s default headers.
    /// </summary>
    public FnSharpClient(HttpClient http, string? token)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        if (!string.IsNullOrEmpty(token))
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
    }

    /// <summary>Creates an API key (an FnSharp extension; admin keys only) and returns it with its <see cref="ApiKey.Token"/>, shown only this once.</summary>
    /// <param name="name">What the key is for.</param>
    /// <param name="scopes"><c>admin</c>, <c>deploy:APP</c> or <c>invoke:APP</c>, APP an app's id or name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="FnApiException">400 for a bad name or scope; 401 or 403 without an admin key.</exception>
    public Task<ApiKey> CreateKeyAsync(string name, IReadOnlyList<string> scopes, CancellationToken cancellationToken = default) =>
        SendAsync<object, ApiKey>(HttpMethod.Post, "v2/keys", new { name, scopes }, cancellationToken);

    /// <summary>Returns one page of API keys, oldest first, revoked ones included (never their tokens).</summary>
    public Task<ListPage<ApiKey>> ListKeysAsync(string? cursor = null, int? perPage = null, CancellationToken cancellationToken = default) =>
        SendAsync<object, ListPage<ApiKey>>(HttpMethod.Get, "v2/keys" + Query(("cursor", cursor), ("per_page", perPage?.ToString(System.Globalization.CultureInfo.InvariantCulture))), null, cancellationToken);

    /// <summary>Revokes an API key: it stops working at once on every node.</summary>
    /// <exception cref="FnApiException">404 <c>Key not found</c>.</exception>
    public Task RevokeKeyAsync(string keyId, CancellationToken cancellationToken = default) =>
        DeleteAsync($"v2/keys/{Uri.EscapeDataString(keyId)}", cancellationToken);

    /// <summary>Creates an app.</summary>
    /// <exception cref="FnApiException">The server refused it, for example 409 when the name is taken.</exception>
    public Task<App> CreateAppAsync(App app, CancellationToken cancellationToken = default) =>
        SendAsync<App, App>(HttpMethod.Post, "v2/apps", app, cancellationToken);

    /// <summary>Returns the app with <paramref name="appId"/>.</summary>
    /// <exception cref="FnApiException">404 when there is none.</exception>
    public Task<App> GetAppAsync(string appId, CancellationToken cancellationToken = default) =>
        SendAsync<object, App>(HttpMethod.Get, $"v2/apps/{Uri.EscapeDataString(appId)}", null, cancellationToken);

    /// <summary>Returns one page of apps, ordered by name.</summary>
    public Task<ListPage<App>> ListAppsAsync(string? cursor = null, int? perPage = null, string? name = null, CancellationToken cancellationToken = default) =>
        SendAsync<object, ListPage<App>>(HttpMethod.Get, "v2/apps" + Query(("cursor", cursor), ("per_page", perPage?.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("name", name)), null, cancellationToken);

    /// <summary>Creates a fn.</summary>
    /// <exception cref="FnApiException">The server refused it, for example 400 for a missing image.</exception>
    public Task<Fn> CreateFnAsync(Fn fn, CancellationToken cancellationToken = default) =>
        SendAsync<Fn, Fn>(HttpMethod.Post, "v2/fns", fn, cancellationToken);

    /// <summary>Returns the fn with <paramref name="fnId"/>.</summary>
    /// <exception cref="FnApiException">404 when there is none.</exception>
    public Task<Fn> GetFnAsync(string fnId, CancellationToken cancellationToken = default) =>
        SendAsync<object, Fn>(HttpMethod.Get, $"v2/fns/{Uri.EscapeDataString(fnId)}", null, cancellationToken);

    /// <summary>Returns one page of fns, ordered by name.</summary>
    public Task<ListPage<Fn>> ListFnsAsync(string? appId = null, string? cursor = null, int? perPage = null, string? name = null, CancellationToken cancellationToken = default) =>
        SendAsync<object, ListPage<Fn>>(HttpMethod.Get, "v2/fns" + Query(("app_id", appId), ("cursor", cursor), ("per_page", perPage?.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("name", name)), null, cancellationToken);

    /// <summary>Merges <paramref name="app"/> into the app with its id (Fn's PUT rules: config <c>""</c> deletes a key, and so on).</summary>
    /// <exception cref="FnApiException">404 when there is none; 409 for a rename; 400 for a bad value.</exception>
    public Task<App> UpdateAppAsync(App app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        return SendAsync<App, App>(HttpMethod.Put, $"v2/apps/{Uri.EscapeDataString(app.Id)}", app, cancellationToken);
    }

    /// <summary>Deletes an app with its fns and triggers.</summary>
    /// <exception cref="FnApiException">404 when there is none.</exception>
    public Task DeleteAppAsync(string appId, CancellationToken cancellationToken = default) =>
        DeleteAsync($"v2/apps/{Uri.EscapeDataString(appId)}", cancellationToken);

    /// <summary>Merges <paramref name="fn"/> into the fn with its id.</summary>
    /// <exception cref="FnApiException">404 when there is none; 409 for a taken name or another app; 400 for a bad value.</exception>
    public Task<Fn> UpdateFnAsync(Fn fn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fn);
        return SendAsync<Fn, Fn>(HttpMethod.Put, $"v2/fns/{Uri.EscapeDataString(fn.Id)}", fn, cancellationToken);
    }

    /// <summary>Deletes a fn with its triggers.</summary>
    /// <exception cref="FnApiException">404 when there is none.</exception>
    public Task DeleteFnAsync(string fnId, CancellationToken cancellationToken = default) =>
        DeleteAsync($"v2/fns/{Uri.EscapeDataString(fnId)}", cancellationToken);

    /// <summary>Creates a trigger.</summary>
    /// <exception cref="FnApiException">The server refused it, for example 409 when its source is taken in the app.</exception>
    public Task<Trigger> CreateTriggerAsync(Trigger trigger, CancellationToken cancellationToken = default) =>
        SendAsync<Trigger, Trigger>(HttpMethod.Post, "v2/triggers", trigger, cancellationToken);

    /// <summary>Returns the trigger with <paramref name="triggerId"/>.</summary>
    /// <exception cref="FnApiException">404 when there is none.</exception>
    public Task<Trigger> GetTriggerAsync(string triggerId, CancellationToken cancellationToken = default) =>
        SendAsync<object, Trigger>(HttpMethod.Get, $"v2/triggers/{Uri.EscapeDataString(triggerId)}", null, cancellationToken);

    /// <summary>Returns one page of triggers, ordered by name.</summary>
    public Task<ListPage<Trigger>> ListTriggersAsync(string? appId = null, string? fnId = null, string? cursor = null, int? perPage = null, string? name = null, CancellationToken cancellationToken = default) =>
        SendAsync<object, ListPage<Trigger>>(HttpMethod.Get, "v2/triggers" + Query(("app_id", appId), ("fn_id", fnId), ("cursor", cursor), ("per_page", perPage?.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("name", name)), null, cancellationToken);

    /// <summary>Merges <paramref name="trigger"/> into the trigger with its id.</summary>
    /// <exception cref="FnApiException">404 when there is none; 409 for a taken name or source; 400 for a bad value.</exception>
    public Task<Trigger> UpdateTriggerAsync(Trigger trigger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        return SendAsync<Trigger, Trigger>(HttpMethod.Put, $"v2/triggers/{Uri.EscapeDataString(trigger.Id)}", trigger, cancellationToken);
    }

    /// <summary>Deletes a trigger.</summary>
    /// <exception cref="FnApiException">404 when there is none.</exception>
    public Task DeleteTriggerAsync(string triggerId, CancellationToken cancellationToken = default) =>
        DeleteAsync($"v2/triggers/{Uri.EscapeDataString(triggerId)}", cancellationToken);

    /// <summary>Invokes a fn by id and returns its answer, whatever its status.</summary>
    /// <param name="fnId">The fn's id.</param>
    /// <param name="body">The request body.</param>
    /// <param name="contentType">The body's content type.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<InvokeResult> InvokeAsync(string fnId, string body, string contentType = "application/json", CancellationToken cancellationToken = default) =>
        InvokeAsync(fnId, body, contentType, null, cancellationToken);

    private async Task<InvokeResult> InvokeAsync(string fnId, string body, string contentType, string? invokeType, CancellationToken cancellationToken)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"invoke/{Uri.EscapeDataString(fnId)}", UriKind.Relative)) { Content = content };
        if (invokeType is not null)
        {
            request.Headers.Add(InvokeTypeHeader, invokeType);
        }

        using var response = await _http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var callId = response.Headers.TryGetValues("Fn-Call-Id", out var ids) ? ids.FirstOrDefault() : null;
        return new InvokeResult(response.StatusCode, callId, response.Content.Headers.ContentType?.ToString(), text);
    }

    /// <summary>
    /// Invokes a fn by id as a detached call (<c>Fn-Invoke-Type: detached</c>): a server that supports
    /// it answers 202 at once with the call's id in <c>Fn-Call-Id</c> and the body
    /// <c>{"call_id":"..."}</c>, and runs the call in the background. Returns the answer whatever its status.
    /// </summary>
    /// <param name="fnId">The fn's id.</param>
    /// <param name="body">The request body, stored with the call until it runs.</param>
    /// <param name="contentType">The body's content type.</param>
    /// <param name="cancellationToken">Cancels the request (not the call, once accepted).</param>
    public Task<InvokeResult> InvokeDetachedAsync(string fnId, string body, string contentType = "application/json", CancellationToken cancellationToken = default) =>
        InvokeAsync(fnId, body, contentType, DetachedInvokeType, cancellationToken);

    /// <summary>
    /// Returns one page of a fn's calls, newest first (<c>GET /v2/fns/{fnID}/calls</c>).
    /// </summary>
    /// <param name="fnId">The fn's id.</param>
    /// <param name="status">Only calls with this status (<c>queued</c>, <c>running</c>, <c>success</c>, <c>error</c>, <c>timeout</c>, <c>cancelled</c>), when set.</param>
    /// <param name="deadLetter">Only dead letters (<see langword="true"/>) or only others (<see langword="false"/>), when set.</param>
    /// <param name="from">Only calls created at or after this time, when set; sent as <c>from_time</c>, RFC 3339 in UTC with the time's whole fraction.</param>
    /// <param name="to">Only calls created before this time, when set; sent as <c>to_time</c>, RFC 3339 in UTC with the time's whole fraction.</param>
    /// <param name="cursor">The <see cref="ListPage{T}.NextCursor"/> of the previous page.</param>
    /// <param name="perPage">How many calls a page holds (1-100; the server's default when unset).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="FnApiException">404 when the fn does not exist; 400 for a bad filter.</exception>
    public Task<ListPage<Call>> ListCallsAsync(
        string fnId,
        string? status = null,
        bool? deadLetter = null,
        DateTimeOffset? from = null,
        DateTimeOffset? to = null,
        string? cursor = null,
        int? perPage = null,
        CancellationToken cancellationToken = default) =>
        SendAsync<object, ListPage<Call>>(
            HttpMethod.Get,
            $"v2/fns/{Uri.EscapeDataString(fnId)}/calls" + Query(
                ("status", status),
                ("dead_letter", deadLetter is { } dead ? (dead ? "true" : "false") : null),
                ("from_time", Rfc3339(from)),
                ("to_time", Rfc3339(to)),
                ("cursor", cursor),
                ("per_page", perPage?.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            null,
            cancellationToken);

    /// <summary>Returns the call <paramref name="callId"/> of the fn <paramref name="fnId"/>.</summary>
    /// <exception cref="FnApiException">404 <c>Call not found</c>.</exception>
    public Task<Call> GetCallAsync(string fnId, string callId, CancellationToken cancellationToken = default) =>
        SendAsync<object, Call>(HttpMethod.Get, CallPath(fnId, callId), null, cancellationToken);

    /// <summary>Returns the log of a call: the lines its container wrote during the call, as text.</summary>
    /// <exception cref="FnApiException">404 <c>Call log not found</c> or <c>Call not found</c>.</exception>
    public async Task<string> GetCallLogAsync(string fnId, string callId, CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync(new Uri(CallPath(fnId, callId) + "/log", UriKind.Relative), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new FnApiException(response.StatusCode, await ReadMessageAsync(response, cancellationToken));
        }

        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    /// <summary>Queues a dead-letter call again, with its attempts reset; returns the call as now stored (the server answers 202).</summary>
    /// <exception cref="FnApiException">404 <c>Call not found</c>; 409 when the call is not a dead letter.</exception>
    public Task<Call> RedriveCallAsync(string fnId, string callId, CancellationToken cancellationToken = default) =>
        SendAsync<object, Call>(HttpMethod.Post, CallPath(fnId, callId) + "/redrive", null, cancellationToken);

    private async Task<TResponse> SendAsync<TRequest, TResponse>(HttpMethod method, string path, TRequest? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await _http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new FnApiException(response.StatusCode, await ReadMessageAsync(response, cancellationToken));
        }

        return await response.Content.ReadFromJsonAsync<TResponse>(cancellationToken)
            ?? throw new FnApiException(response.StatusCode, "the server answered with an empty body");
    }

    private async Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await _http.DeleteAsync(new Uri(path, UriKind.Relative), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new FnApiException(response.StatusCode, await ReadMessageAsync(response, cancellationToken));
        }
    }

    private static async Task<string> ReadMessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (FnApiException.MessageOf(text) is { } message)
        {
            return message;
        }

        return text.Length > 0 ? text : $"{(int)response.StatusCode} {response.ReasonPhrase}";
    }

    private static string CallPath(string fnId, string callId) =>
        $"v2/fns/{Uri.EscapeDataString(fnId)}/calls/{Uri.EscapeDataString(callId)}";

    // Every digit of the fraction the time has (none for a whole second): a bound cut to milliseconds
    // would move it, and "created before 12:00:00.0005" would leave out a call of 12:00:00.000.
    private static string? Rfc3339(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var parts = parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }
}
