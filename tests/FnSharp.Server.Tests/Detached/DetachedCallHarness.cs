using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using FnSharp.Core.Models;
using FnSharp.Core.Storage;
using FnSharp.Server.Detached;
using FnSharp.Testing.Fakes;
using FnSharp.Testing.Hosting;
using FnSharp.Testing.Logging;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Server.Tests.Detached;

/// <summary>
/// The real server pipeline for detached calls: fake containers, a fake clock, a SQLite file, and an
/// <see cref="IDetachedCallObserver"/> that turns the worker's attempts into one channel per call, so that
/// a test awaits "the n-th attempt of this call was stored" instead of sleeping or polling.
/// </summary>
internal sealed class DetachedCallHarness : IAsyncDisposable
{
    // Written by the worker through the observer (one writer per attempt), read by the test; unbounded
    // because a test makes a handful of attempts.
    private readonly ConcurrentDictionary<string, Channel<DetachedAttempt>> _attempts = new(StringComparer.Ordinal);
    private readonly FnSharpServerFactory _factory;
    private WebApplicationFactory<Program>? _server;
    private HttpClient? _http;

    public DetachedCallHarness(Dictionary<string, string>? settings = null, ICallStore? store = null, string? dataDirectory = null)
    {
        _factory = new FnSharpServerFactory(Driver, dataDirectory) { Time = Time };

        // Calls cut off at the end of a test are given back at once: disposal never waits on the fake clock.
        _factory.Settings["FN_SHUTDOWN_GRACE_MSECS"] = "0";

        // The worker waits this long (on the fake clock) for late output before it stores a call's end.
        _factory.Settings["FN_CALL_LOG_WAIT_MSECS"] = "0";
        foreach (var (key, value) in settings ?? [])
        {
            _factory.Settings[key] = value;
        }

        Store = store;
    }

    public FakeContainerDriver Driver { get; } = new();

    /// <summary>The server's log lines.</summary>
    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>The server's <c>FN_DB_URL</c> (a PostgreSQL database shared by several harnesses, say); its own SQLite file when unset. Set before the first request.</summary>
    public string? DbUrl
    {
        get => _factory.DbUrl;
        set => _factory.DbUrl = value;
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 30, 10, 29, 7, 577, TimeSpan.Zero));

    /// <summary>The call store replacing the server's (on its SQLite file), when one is.</summary>
    public ICallStore? Store { get; }

    public IServiceProvider Services => Server.Services;

    /// <summary>More test services for the server (an observer, say); set before the first request.</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    /// <summary>The server's <c>FN_NODE_NAME</c>.</summary>
    public string NodeName => _factory.Settings.TryGetValue("FN_NODE_NAME", out var name) ? name : _factory.NodeName;

    /// <summary>The directory of the server's SQLite file.</summary>
    public string DataDirectory => _factory.DataDirectory;

    public ICallStore Calls => Services.GetRequiredService<ICallStore>();

    public DetachedCallWorker Worker => Services.GetRequiredService<DetachedCallWorker>();

    public HttpClient Http => _http ??= Server.CreateClient();

    private WebApplicationFactory<Program> Server => _server ??= Create();

    /// <summary>Moves the fake clock on and wakes the worker, which then claims what became due.</summary>
    public void Advance(TimeSpan by)
    {
        Time.Advance(by);
        Worker.Wake();
    }

    /// <summary>The next stored attempt of <paramref name="callId"/>.</summary>
    public Task<DetachedAttempt> NextAttemptAsync(string callId) =>
        // A failsafe against a hung test, not a timing assertion.
        ChannelOf(callId).Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    public async Task<Call> GetCallAsync(string fnId, string callId) =>
        await Calls.GetCallAsync(fnId, callId, CancellationToken.None) ?? throw new InvalidOperationException($"call {callId} is not stored");

    public async Task<JsonElement> PostJsonAsync(string path, string body)
    {
        using var response = await Http.PostAsync(new Uri(path, UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Creates an app and a fn (with <paramref name="fnExtra"/> JSON fields) and returns the ids.</summary>
    public async Task<(string AppId, string FnId)> CreateFnAsync(string app, string fn, string fnExtra = "")
    {
        var appId = (await PostJsonAsync("/v2/apps", $$"""{"name":"{{app}}"}""")).GetProperty("id").GetString()!;
        var fnId = (await PostJsonAsync("/v2/fns", $$"""{"app_id":"{{appId}}","name":"{{fn}}","image":"fnsharp/test:1"{{fnExtra}}}""")).GetProperty("id").GetString()!;
        return (appId, fnId);
    }

    /// <summary>Sends a call with <c>Fn-Invoke-Type</c> <paramref name="invokeType"/> (none when null).</summary>
    public Task<HttpResponseMessage> InvokeAsync(string path, string body, string? invokeType = "detached", HttpMethod? method = null)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8, "text/plain"),
        };
        if (invokeType is not null)
        {
            request.Headers.TryAddWithoutValidation("Fn-Invoke-Type", invokeType);
        }

        return Http.SendAsync(request);
    }

    /// <summary>Sends a detached call to <c>/invoke/{fnId}</c>, checks the 202 and returns the call id.</summary>
    public async Task<string> InvokeDetachedAsync(string fnId, string body = "payload")
    {
        using var response = await InvokeAsync($"/invoke/{fnId}", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"{response.StatusCode} {text}");
        var callId = response.Headers.GetValues("Fn-Call-Id").Single();
        Assert.Equal($$"""{"call_id":"{{callId}}"}""", text);
        Assert.Equal(new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" }, response.Content.Headers.ContentType);
        return callId;
    }

    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        await _factory.DisposeAsync();
        await Driver.DisposeAsync();
    }

    private Channel<DetachedAttempt> ChannelOf(string callId) => _attempts.GetOrAdd(callId, _ => Channel.CreateUnbounded<DetachedAttempt>());

    /// <summary>Starts the server, whose worker reports every attempt from its first (a recovery at start included).</summary>
    public void Start() => _ = Services;

    private WebApplicationFactory<Program> Create() =>
        _factory.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(Logs)).ConfigureTestServices(services =>
        {
            if (Store is { } store)
            {
                services.Replace(ServiceDescriptor.Singleton(store));
            }

            services.AddSingleton<IDetachedCallObserver>(new AttemptChannels(this));
            TestServices?.Invoke(services);
        }));

    /// <summary>Writes each attempt to its call's channel.</summary>
    private sealed class AttemptChannels(DetachedCallHarness harness) : IDetachedCallObserver
    {
        public void AttemptSettled(DetachedAttempt attempt) => harness.ChannelOf(attempt.CallId).Writer.TryWrite(attempt);
    }
}
