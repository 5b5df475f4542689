using System.Diagnostics;
using System.Net;
using System.Text;
using FnSharp.Core.Models;
using FnSharp.Testing;
using FnSharp.Testing.Docker;
using FnSharp.Testing.Hosting;
using FnSharp.Testing.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace FnSharp.Server.Tests.Integration;

/// <summary>
/// The container engine goes down and comes back while calls arrive, on the real server and the real
/// engine behind an <see cref="EngineProxy"/> of the test's own (the shared engine is never restarted):
/// calls that need a container get 503 naming the engine with <c>Retry-After</c>, not the function's 502;
/// calls succeed again once it answers; a container whose removal failed in the outage is removed after, and
/// so is one the engine created without its answer reaching the server (found by the node's label). An engine
/// that hangs (accepts, reads, never answers) is the same outage, noticed by the Engine API calls' time limit.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class EngineRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Only guards so that a broken recovery fails the test instead of hanging it; no assertion is about time.
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    private readonly EngineProxy _proxy = new();
    private readonly EngineProbe _engine = new();
    private readonly FnSharpServerFactory _server = new();
    private readonly CapturingLoggerProvider _logs = new();

    public Task InitializeAsync()
    {
        _proxy.Start();
        _server.Settings["FN_DOCKER_HOST"] = _proxy.Endpoint;

        // The runner's and the driver's lines, Debug included, go to the test's output (shown when it fails).
        _server.Settings["Logging:LogLevel:FnSharp"] = "Debug";
        _server.TestServices = services => services.AddSingleton<ILoggerProvider>(_logs);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        foreach (var entry in _logs.Logger.Entries)
        {
            output.WriteLine($"{entry.Level} {entry.EventId}: {entry.Message}");
        }

        _proxy.Dispose();
        _engine.Dispose();
    }

    [Fact]
    public async Task Invoke_EngineDownThenBack_503NamingTheEngineThenServedAndNoContainerLeft()
    {
        using var http = new HttpClient { BaseAddress = _server.StartOnLoopback() };
        var client = new FnSharp.Client.FnSharpClient(http);
        var app = await client.CreateAppAsync(new App { Name = "engine-restart" });
        var crashing = await client.CreateFnAsync(new Fn { Name = "crashing", AppId = app.Id, Image = "fnsharp/testfn:latest" });
        var cold = await client.CreateFnAsync(new Fn { Name = "cold", AppId = app.Id, Image = "fnsharp/testfn:latest" });
        Assert.Equal(HttpStatusCode.OK, (await client.InvokeAsync(crashing.Id, """{"body":"warm"}""")).StatusCode);

        _proxy.Stop();

        // The warm container's process exits mid-call: its removal fails while the engine is away.
        await client.InvokeAsync(crashing.Id, """{"exit":1}""");
        var during = new List<(HttpStatusCode Status, string? RetryAfter, string Body)>();
        for (var i = 0; i < 50; i++)
        {
            using var response = await http.PostAsync(new Uri("invoke/" + cold.Id, UriKind.Relative), new StringContent("""{"body":"x"}""", Encoding.UTF8, "application/json"));
            during.Add((response.StatusCode, response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), await response.Content.ReadAsStringAsync()));
        }

        _proxy.Start();
        var back = Stopwatch.StartNew();
        var refusedAfter = 0;
        using (var guard = new CancellationTokenSource(Guard))
        {
            while ((await client.InvokeAsync(cold.Id, """{"body":"back"}""", "application/json", guard.Token)).StatusCode != HttpStatusCode.OK)
            {
                refusedAfter++;
            }
        }

        var recovered = back.Elapsed;
        await WaitUntilGoneAsync(crashing.Id);
        output.WriteLine($"engine back: first call served after {recovered.TotalMilliseconds:F0} ms ({refusedAfter} refused before it); the crashed container was removed once the engine answered");

        Assert.All(during, d => Assert.Equal((HttpStatusCode.ServiceUnavailable, "1"), (d.Status, d.RetryAfter)));
        Assert.All(during, d => Assert.StartsWith("""{"message":"container engine unavailable: """, d.Body, StringComparison.Ordinal));
        Assert.Empty(await _engine.ContainersOfFnAsync(crashing.Id));
    }

    [Fact]
    public async Task Invoke_EngineGoesDownAfterCreatingAContainer_503AndTheContainerNobodyHeardOfRemovedOnceItAnswers()
    {
        using var http = new HttpClient { BaseAddress = _server.StartOnLoopback() };
        var client = new FnSharp.Client.FnSharpClient(http);
        var app = await client.CreateAppAsync(new App { Name = "engine-orphan" });
        var fn = await client.CreateFnAsync(new Fn { Name = "f", AppId = app.Id, Image = "fnsharp/testfn:latest" });

        // The engine creates the container and goes down before its answer reaches the server.
        _proxy.GoDownAfterNext("/containers/create");
        var refused = await client.InvokeAsync(fn.Id, """{"body":"x"}""");
        var orphan = Assert.Single(await _engine.ContainersOfFnAsync(fn.Id));

        _proxy.Start();
        await WaitUntilGoneAsync(fn.Id, orphan);
        FnSharp.Client.InvokeResult served;
        using (var guard = new CancellationTokenSource(Guard))
        {
            // A start within the engine back-off of the refused call is refused too; the next one is served.
            while ((served = await client.InvokeAsync(fn.Id, """{"body":"back"}""", "application/json", guard.Token)).StatusCode == HttpStatusCode.ServiceUnavailable)
            {
            }
        }

        var after = await _engine.ContainersOfFnAsync(fn.Id);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.StartsWith("""{"message":"container engine unavailable: """, refused.Body, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, "back"), (served.StatusCode, served.Body));
        Assert.NotEqual(orphan, Assert.Single(after));
    }

    [Fact]
    public async Task Invoke_EngineGoesDownWhileTheContainerStarts_503NamingTheEngineNotTheFdk()
    {
        using var http = new HttpClient { BaseAddress = _server.StartOnLoopback() };
        var client = new FnSharp.Client.FnSharpClient(http);
        var app = await client.CreateAppAsync(new App { Name = "engine-midstart" });
        var config = new Dictionary<string, string> { ["TESTFN_START_DELAY_MS"] = "3000" };
        var fn = await client.CreateFnAsync(new Fn { Name = "f", AppId = app.Id, Image = "fnsharp/testfn:latest", Config = config });

        // The engine starts the container (its output attached before), then goes down before its answer arrives, while
        // the FDK is still starting, before it made its socket.
        _proxy.GoDownAfterNext("/start");
        var refused = await client.InvokeAsync(fn.Id, """{"body":"x"}""");
        _proxy.Start();
        await WaitUntilGoneAsync(fn.Id);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.StartsWith("""{"message":"container engine unavailable: """, refused.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_PausedContainerWhileTheEngineIsDown_503NamingTheEngineNotTheFnAndTheContainerRemovedOnceItAnswers()
    {
        // An idle container is paused at once, so the next call must unpause it through the engine.
        _server.Settings["FN_FREEZE_IDLE_MSECS"] = "0";
        _server.Settings["FN_FREEZE_CPU_MSECS"] = "0";
        using var http = new HttpClient { BaseAddress = _server.StartOnLoopback() };
        var client = new FnSharp.Client.FnSharpClient(http);
        var app = await client.CreateAppAsync(new App { Name = "engine-paused" });
        var fn = await client.CreateFnAsync(new Fn { Name = "f", AppId = app.Id, Image = "fnsharp/testfn:latest" });
        Assert.Equal(HttpStatusCode.OK, (await client.InvokeAsync(fn.Id, """{"body":"warm"}""")).StatusCode);
        var paused = Assert.Single(await _engine.ContainersOfFnAsync(fn.Id));
        await WaitUntilPauseAnsweredAsync(http);

        _proxy.Stop();
        using var refused = await http.PostAsync(new Uri("invoke/" + fn.Id, UriKind.Relative), new StringContent("""{"body":"x"}""", Encoding.UTF8, "application/json"));
        var body = await refused.Content.ReadAsStringAsync();
        _proxy.Start();
        await WaitUntilGoneAsync(fn.Id, paused);

        Assert.Equal((HttpStatusCode.ServiceUnavailable, (TimeSpan?)TimeSpan.FromSeconds(1)), (refused.StatusCode, refused.Headers.RetryAfter?.Delta));
        Assert.StartsWith("""{"message":"container engine unavailable: """, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_EngineHangsThenAnswers_503NamingTheEngineStartsBackOffThenServedAndNoContainerLeft()
    {
        // A hung engine is noticed by the Engine API calls' time limit; 3 s here, well under the calls' wait (10 s).
        _server.Settings["FN_DOCKER_API_TIMEOUT_MSECS"] = "3000";
        using var http = new HttpClient { BaseAddress = _server.StartOnLoopback() };
        var client = new FnSharp.Client.FnSharpClient(http);
        var app = await client.CreateAppAsync(new App { Name = "engine-hang" });
        var warm = await client.CreateFnAsync(new Fn { Name = "warm", AppId = app.Id, Image = "fnsharp/testfn:latest" });
        var cold = await client.CreateFnAsync(new Fn { Name = "cold", AppId = app.Id, Image = "fnsharp/testfn:latest" });
        using (var guard = new CancellationTokenSource(Guard))
        {
            // The engine answers (on a loaded host a start may still take longer than the limit: then the next call is served).
            while ((await client.InvokeAsync(warm.Id, """{"body":"warm"}""", "application/json", guard.Token)).StatusCode != HttpStatusCode.OK)
            {
            }
        }

        // The engine accepts connections and reads requests, and answers none.
        _proxy.Hang();
        var createsBefore = _proxy.RequestsWith("/containers/create");
        var during = new List<(HttpStatusCode Status, string? RetryAfter, string Body)>();
        for (var i = 0; i < 50; i++)
        {
            using var response = await http.PostAsync(new Uri("invoke/" + cold.Id, UriKind.Relative), new StringContent("""{"body":"x"}""", Encoding.UTF8, "application/json"));
            during.Add((response.StatusCode, response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), await response.Content.ReadAsStringAsync()));
        }

        var creates = _proxy.RequestsWith("/containers/create") - createsBefore;
        _proxy.Resume();
        var back = Stopwatch.StartNew();
        FnSharp.Client.InvokeResult served;
        var refusedAfter = 0;
        using (var guard = new CancellationTokenSource(Guard))
        {
            while ((served = await client.InvokeAsync(cold.Id, """{"body":"back"}""", "application/json", guard.Token)).StatusCode != HttpStatusCode.OK)
            {
                refusedAfter++;
            }
        }

        var recovered = back.Elapsed;
        var right = (await _engine.ContainersOfFnAsync(cold.Id)).Count;

        // The creations the hung engine held were done once it answered, for callers long gone: swept by label.
        await WaitUntilAtMostAsync(cold.Id, 1);
        output.WriteLine($"engine hung: {during.Count} calls refused, {creates} container creations sent to it; answering again: first call served after {recovered.TotalMilliseconds:F0} ms ({refusedAfter} refused before it); the fn's containers on the engine then: {right}, after the sweep: 1");

        Assert.All(during, d => Assert.Equal((HttpStatusCode.ServiceUnavailable, "1"), (d.Status, d.RetryAfter)));
        Assert.All(during, d => Assert.StartsWith("""{"message":"container engine unavailable: """, d.Body, StringComparison.Ordinal));
        Assert.InRange(creates, 1, during.Count / 2);
        Assert.Equal("back", served.Body);
        Assert.Single(await _engine.ContainersOfFnAsync(cold.Id));
    }

    private Task WaitUntilGoneAsync(string fnId) => WaitUntilGoneAsync(fnId, containerId: null);

    /// <summary>
    /// Waits until the server has the engine's answer to a pause (the Engine API call is timed once answered): the
    /// engine's own pause event comes before its answer, which a proxy stopped then would cut off.
    /// </summary>
    private static async Task WaitUntilPauseAnsweredAsync(HttpClient http)
    {
        using var guard = new CancellationTokenSource(Guard);
        var engineLines = Array.Empty<string>();
        try
        {
            while (!(engineLines = (await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), guard.Token)).Split('\n')
                .Where(line => line.StartsWith("fnsharp_docker_api_", StringComparison.Ordinal) && !line.Contains("_bucket{", StringComparison.Ordinal)).ToArray())
                .Any(line => line.StartsWith("fnsharp_docker_api_duration_seconds_count{", StringComparison.Ordinal) && line.Contains("operation=\"container_pause\"", StringComparison.Ordinal)))
            {
                // The server tells no one when a pause is answered; its metrics say so.
                await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System, guard.Token);
            }
        }
        catch (OperationCanceledException) when (guard.IsCancellationRequested)
        {
            throw new TimeoutException($"No pause answered within {Guard.TotalSeconds} s; the server's Engine API calls then:\n{string.Join('\n', engineLines)}");
        }
    }

    /// <summary>Waits until the fn has at most <paramref name="count"/> containers on the engine.</summary>
    private async Task WaitUntilAtMostAsync(string fnId, int count)
    {
        using var guard = new CancellationTokenSource(Guard);
        while ((await _engine.ContainersOfFnAsync(fnId)).Count > count)
        {
            // Polls the engine, which tells no one when a container goes; the sweeps run on their own back-off.
            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System, guard.Token);
        }
    }

    /// <summary>Waits until the fn has no container on the engine, or none of id <paramref name="containerId"/> when given.</summary>
    private async Task WaitUntilGoneAsync(string fnId, string? containerId)
    {
        using var guard = new CancellationTokenSource(Guard);
        while (await _engine.ContainersOfFnAsync(fnId) is { Count: > 0 } left && (containerId is null || left.Contains(containerId)))
        {
            // Polls the engine, which tells no one when a container goes; the removal retries run on their own back-off.
            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System, guard.Token);
        }
    }
}
