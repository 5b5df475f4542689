using System.Net;
using System.Text.Json;
using FnSharp.Client;
using FnSharp.Core.Models;
using FnSharp.Testing;
using FnSharp.Testing.Docker;
using FnSharp.Testing.Hosting;

namespace FnSharp.Server.Tests.Integration;

/// <summary>
/// Issue 16's rules on the real Docker engine with the test function (<c>fnsharp/testfn:latest</c>): the
/// <c>fnsharp.io/max-concurrency</c> cap over synchronous and detached calls, and a burst across 50 fns
/// with a short wait, answered with 200 or 503 and <c>Retry-After</c> only, all answered once clients retry.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class OverloadOnDockerTests : IAsyncLifetime
{
    private const string Image = "fnsharp/testfn:latest";
    private static readonly HttpStatusCode[] OkOrBusy = [HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable];
    private static readonly string[] BusyReasons = ["start_backlog", "wait_time", "memory"];
    private readonly FnSharpServerFactory _server = new();
    private readonly EngineProbe _engine = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _engine.Dispose();
    }

    [Fact]
    public async Task Invoke_CapOfOneWithSlowCalls_SyncAndDetachedCallsAllRunInOneContainer()
    {
        var client = _server.CreateFnClient();
        var app = await client.CreateAppAsync(new App { Name = "capped" });
        var fn = await client.CreateFnAsync(new Fn
        {
            Name = "slow",
            AppId = app.Id,
            Image = Image,
            Memory = 128,
            Annotations = new Dictionary<string, JsonElement> { [FnSharpAnnotations.MaxConcurrency] = JsonDocument.Parse("1").RootElement },
        });

        // Calls of 1.5 s, longer than a start: without the cap the fn would grow a container per waiting call.
        const string Slow = """{"sleepMs":1500}""";
        var detached = await client.InvokeDetachedAsync(fn.Id, Slow);
        var sync = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => client.InvokeAsync(fn.Id, Slow)));
        var detachedCall = await WaitForAsync(() => client.GetCallAsync(fn.Id, detached.CallId!), c => c.IsFinished, TimeSpan.FromSeconds(120));

        Assert.Equal(HttpStatusCode.Accepted, detached.StatusCode);
        Assert.All(sync, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(CallStates.Success, detachedCall.Status);
        Assert.Single(await _engine.ContainersOfFnAsync(fn.Id));
    }

    [Fact]
    public async Task Invoke_BurstAcross50FnsWithAShortWait_200Or503WithRetryAfterThenAllAnsweredOnRetry()
    {
        _server.Settings["FN_MAX_WAIT_MSECS"] = "2000";
        var client = _server.CreateFnClient();
        using var http = _server.CreateClient();
        var app = await client.CreateAppAsync(new App { Name = "burst" });
        var fns = new List<Fn>();
        for (var i = 0; i < 50; i++)
        {
            fns.Add(await client.CreateFnAsync(new Fn { Name = $"f{i}", AppId = app.Id, Image = Image, Memory = 128 }));
        }

        var firstWave = await Task.WhenAll(fns.Select(fn => InvokeAsync(http, fn)));
        // How many answer in the first wave depends on the engine's start rate (the bench measures it), not asserted here.
        var refused = firstWave.Where(a => a.Status == HttpStatusCode.ServiceUnavailable).ToList();

        // Clients retry each refused call once its Retry-After has passed, until every fn answered.
        var pending = refused.Select(a => a.Fn).ToList();
        var rounds = 0;
        while (pending.Count > 0 && rounds++ < 20)
        {
            var wait = firstWave.Where(a => pending.Contains(a.Fn)).Max(a => a.RetryAfterSeconds);
            await Task.Delay(TimeSpan.FromSeconds(Math.Clamp(wait, 1, 10)));
            var retried = await Task.WhenAll(pending.Select(fn => InvokeAsync(http, fn)));
            Assert.All(retried, a => Assert.Contains(a.Status, OkOrBusy));
            pending = [.. retried.Where(a => a.Status != HttpStatusCode.OK).Select(a => a.Fn)];
        }

        Assert.All(firstWave, a => Assert.Contains(a.Status, OkOrBusy));
        Assert.All(refused, a => Assert.True(a.RetryAfterSeconds >= 1));
        Assert.All(refused, a => Assert.Contains(a.Reason, BusyReasons));
        Assert.Empty(pending);
        await _server.DisposeAsync();
        Assert.Empty(await _engine.ContainersOfNodeAsync(_server.NodeName));
    }

    private static async Task<Answer> InvokeAsync(HttpClient http, Fn fn)
    {
        using var response = await http.PostAsync(new Uri($"/invoke/{fn.Id}", UriKind.Relative), new StringContent("{}"));
        var body = await response.Content.ReadAsStringAsync();
        var retryAfter = response.Headers.TryGetValues("Retry-After", out var values) ? int.Parse(values.Single(), System.Globalization.CultureInfo.InvariantCulture) : 0;
        string? reason = null;
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            using var json = JsonDocument.Parse(body);
            reason = json.RootElement.GetProperty("reason").GetString();
        }

        return new Answer(fn, response.StatusCode, retryAfter, reason);
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > until)
            {
                return value;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    private sealed record Answer(Fn Fn, HttpStatusCode Status, int RetryAfterSeconds, string? Reason);
}
