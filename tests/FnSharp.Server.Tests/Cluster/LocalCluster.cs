using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FnSharp.Testing;
using FnSharp.Testing.Hosting;
using FnSharp.Testing.Storage;

namespace FnSharp.Server.Tests.Cluster;

/// <summary>
/// A real cluster for integration tests, started by <c>scripts/cluster.sh up 3</c>: three
/// <c>fnsharp-server</c> processes (the build beside these tests), a fresh database on the PostgreSQL of
/// <c>FNSHARP_TEST_POSTGRES</c>, and HAProxy, all on loopback, with node names unique to this run (so
/// other tests' containers are never touched), 3 s leases and half-second heartbeats. Stopped by
/// <c>scripts/cluster.sh down</c>, which leaves no container.
/// </summary>
public sealed class LocalCluster : IAsyncLifetime
{
    private readonly string _state = TestDirectories.Create("fnsharp-cluster-");
    private readonly string _prefix = "ct" + Guid.NewGuid().ToString("N")[..8];
    private PostgresTestDatabase? _database;

    /// <summary>The load balancer's URL, for example <c>http://127.0.0.1:23080</c>.</summary>
    public Uri Balancer { get; private set; } = null!;

    /// <summary>The nodes' names, in order.</summary>
    public IReadOnlyList<string> Nodes => [$"{_prefix}-1", $"{_prefix}-2", $"{_prefix}-3"];

    /// <summary>The database the nodes share.</summary>
    public string DbUrl => _database!.Url;

    /// <summary>HTTP through the load balancer; an answer that takes over 60 s fails the test (a hang).</summary>
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();

        // A port range of its own per run, so that clusters of parallel runs do not race for ports.
        var firstPort = 20000 + Random.Shared.Next(0, 400) * 20;
        var output = await RunAsync("up", "3", ("FNSHARP_CLUSTER_PORT", firstPort.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Balancer = new Uri(output.TrimEnd().Split('\n')[^1]);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await RunAsync("down");
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        Directory.Delete(_state, recursive: true);
    }

    /// <summary>The URL of node <paramref name="name"/>, straight, not through the load balancer.</summary>
    public async Task<Uri> NodeUrlAsync(string name) =>
        new((await StatusAsync()).Single(n => n.Name == name).Url);

    /// <summary><c>scripts/cluster.sh status</c>: each node's name, URL, pid and state.</summary>
    public async Task<IReadOnlyList<(string Name, string Url, string Pid, string State)>> StatusAsync() =>
        [.. (await RunAsync("status")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' ') switch
        {
            [var name, var url, var pid, var state] => (name, url, pid, state),
            _ => throw new InvalidOperationException($"scripts/cluster.sh status printed '{line}'"),
        })];

    /// <summary><c>scripts/cluster.sh kill NODE</c>: SIGKILL.</summary>
    public Task KillAsync(string name) => RunAsync("kill", name);

    /// <summary><c>scripts/cluster.sh start NODE</c>: starts it again and waits until it is ready.</summary>
    public Task StartAsync(string name) => RunAsync("start", name);

    /// <summary>Creates an app and a fn of <c>fnsharp/testfn:latest</c> through the load balancer and returns the fn's id.</summary>
    public async Task<string> CreateFnAsync(string app, string fn, string config = "{}")
    {
        var appId = (await PostJsonAsync(Balancer, "/v2/apps", $$"""{"name":"{{app}}"}""")).GetProperty("id").GetString()!;
        return await CreateFnInAppAsync(appId, fn, config);
    }

    /// <summary>Creates a fn of <c>fnsharp/testfn:latest</c> in app <paramref name="appId"/> and returns its id.</summary>
    public async Task<string> CreateFnInAppAsync(string appId, string fn, string config = "{}") =>
        (await PostJsonAsync(Balancer, "/v2/fns", $$"""{"app_id":"{{appId}}","name":"{{fn}}","image":"fnsharp/testfn:latest","memory":64,"config":{{config}}}"""))
            .GetProperty("id").GetString()!;

    /// <summary>Calls fn <paramref name="fnId"/> at <paramref name="baseUrl"/> with a testfn body; returns the status, body and the node that served it (through the load balancer).</summary>
    public async Task<(int Status, string Body, string? Node)> InvokeAsync(Uri baseUrl, string fnId, string body = "{}", bool detached = false)
    {
        var (status, text, node, _) = await InvokeOnceAsync(baseUrl, fnId, body, detached);
        return (status, text, node);
    }

    /// <summary>
    /// Invokes as a well-behaved client does: a 503 with <c>Retry-After</c> (a node's start backlog, on a host loaded by
    /// the rest of the suite) is tried again after it (5 s at most), at most twice; the answer that ends it is returned.
    /// </summary>
    public async Task<(int Status, string Body, string? Node)> InvokeAsClientAsync(Uri baseUrl, string fnId, string body = "{}")
    {
        for (var attempt = 1; ; attempt++)
        {
            var (status, text, node, retryAfter) = await InvokeOnceAsync(baseUrl, fnId, body, detached: false);
            if (status != 503 || retryAfter is not { } after || attempt == 3)
            {
                return (status, text, node);
            }

            await Task.Delay(after < TimeSpan.FromSeconds(5) ? after : TimeSpan.FromSeconds(5), TimeProvider.System);
        }
    }

    private async Task<(int Status, string Body, string? Node, TimeSpan? RetryAfter)> InvokeOnceAsync(Uri baseUrl, string fnId, string body, bool detached)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, $"/invoke/{fnId}"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (detached)
        {
            request.Headers.Add("Fn-Invoke-Type", "detached");
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var node = response.Headers.TryGetValues("X-FnSharp-Node", out var values) ? values.Single() : null;
        return ((int)response.StatusCode, text, node, response.Headers.RetryAfter?.Delta);
    }

    public async Task<JsonElement> PostJsonAsync(Uri baseUrl, string path, string json) =>
        await SendJsonAsync(HttpMethod.Post, baseUrl, path, json);

    public async Task<JsonElement> SendJsonAsync(HttpMethod method, Uri baseUrl, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(baseUrl, path));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds, checking every 100 ms for at most
    /// <paramref name="limit"/>: the state of other processes (HAProxy's health checks, heartbeats) can
    /// only be watched. Fails with <paramref name="what"/> when the limit passes, which is a failsafe, not a
    /// timing assertion.
    /// </summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < limit, $"{what} did not happen within {limit.TotalSeconds} s");
            await Task.Delay(100);
        }
    }

    private async Task<string> RunAsync(string command, params object[] args)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryPaths.Root,
        };
        start.ArgumentList.Add(Path.Combine(RepositoryPaths.Root, "scripts", "cluster.sh"));
        start.ArgumentList.Add(command);
        foreach (var arg in args)
        {
            if (arg is ValueTuple<string, string> (var key, var value))
            {
                start.Environment[key] = value;
            }
            else
            {
                start.ArgumentList.Add((string)arg);
            }
        }

        start.Environment["FNSHARP_CLUSTER_DIR"] = _state;
        start.Environment["FNSHARP_CLUSTER_NAME"] = _prefix;
        start.Environment["FNSHARP_CLUSTER_DB_URL"] = _database?.Url ?? "";
        start.Environment["FNSHARP_SERVER_DLL"] = typeof(Program).Assembly.Location;
        // The Engine API bound of every test server, for a loaded machine's engine.
        start.Environment["FN_DOCKER_API_TIMEOUT_MSECS"] = FnSharpServerFactory.EngineApiTimeoutMs;
        start.Environment["FN_ASYNC_LEASE_MSECS"] = "3000";
        start.Environment["FN_NODE_HEARTBEAT_MSECS"] = "500";
        start.Environment["FN_LOG_LEVEL"] = "warn";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"scripts/cluster.sh {command} failed ({process.ExitCode}): {await stderr}");
        return await stdout;
    }
}
