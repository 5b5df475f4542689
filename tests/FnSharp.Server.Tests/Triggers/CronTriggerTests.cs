using System.Net;
using System.Text;
using System.Text.Json;
using FnSharp.Core.Models;
using FnSharp.Core.Storage;
using FnSharp.Server.Detached;
using FnSharp.Server.Tests.Detached;
using FnSharp.Server.Triggers;
using FnSharp.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FnSharp.Server.Tests.Triggers;

/// <summary>
/// Cron triggers through the real server pipeline on a SQLite file, with fake containers and a fake
/// clock: the scheduler's loop is off (<c>FN_CRON_POLL_MSECS=0</c>) and each test runs its passes at the
/// times it chooses, so every tick is decided deterministically; the worker is off too
/// (<c>FN_ASYNC_MAX_CONCURRENT=0</c>), so the calls stay queued with their bodies for the test to read.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class CronTriggerTests : IAsyncLifetime
{
    private readonly DetachedCallHarness _harness = new(new Dictionary<string, string> { ["FN_CRON_POLL_MSECS"] = "0", ["FN_ASYNC_MAX_CONCURRENT"] = "0" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Create_Cron_NextRunsComputedOnGet()
    {
        var (appId, fnId) = await _harness.CreateFnAsync("cronapp", "tick");
        var created = await _harness.PostJsonAsync("/v2/triggers", Body(appId, fnId, "every-5", "0 */5 * * * *"));
        var id = created.GetProperty("id").GetString();

        var got = await GetJsonAsync($"/v2/triggers/{id}");

        var runs = got.GetProperty("annotations").GetProperty("fnsharp.io/cron-next-runs").EnumerateArray().Select(r => r.GetString()).ToList();
        Assert.Equal(["2026-11-30T10:30:00.000Z", "2026-11-30T10:35:00.000Z", "2026-11-30T10:40:00.000Z", "2026-11-30T10:45:00.000Z", "2026-11-30T10:50:00.000Z"], runs);
        Assert.False(got.GetProperty("annotations").TryGetProperty("fnproject.io/trigger/httpEndpoint", out _));
    }

    [Theory]
    [InlineData("61 * * * *", "", "Invalid cron expression '61 * * * *': ")]
    [InlineData("* * *", "", "Invalid cron expression '* * *': it has 3 fields")]
    [InlineData("0 9 * * *", """ ,"annotations":{"fnsharp.io/cron-timezone":"Nowhere/City"}""", "Invalid annotation fnsharp.io/cron-timezone 'Nowhere/City'")]
    public async Task Create_BadCron_400WithMessage(string source, string extra, string message)
    {
        var (appId, fnId) = await _harness.CreateFnAsync("cronapp", "tick");

        using var response = await PostAsync("/v2/triggers", Body(appId, fnId, "bad", source, extra));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString();
        Assert.StartsWith(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_SameScheduleTwoFnsOfOneApp_BothStoredButNotTwiceOnOneFn()
    {
        var (appId, fnId) = await _harness.CreateFnAsync("cronapp", "tick");
        var other = (await _harness.PostJsonAsync("/v2/fns", $$"""{"app_id":"{{appId}}","name":"tock","image":"fnsharp/test:1"}""")).GetProperty("id").GetString()!;
        await _harness.PostJsonAsync("/v2/triggers", Body(appId, fnId, "a", "* * * * *"));
        await _harness.PostJsonAsync("/v2/triggers", Body(appId, other, "b", "* * * * *"));

        using var response = await PostAsync("/v2/triggers", Body(appId, fnId, "c", "* * * * *"));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("exists on this fn", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunOnce_EverySecond_OneCallPerTickWithTheBody_StopsWhenDeleted()
    {
        var (appId, fnId) = await _harness.CreateFnAsync("cronapp", "tick", ""","annotations":{"fnsharp.io/async-retries":0}""");
        var trigger = (await _harness.PostJsonAsync("/v2/triggers", Body(appId, fnId, "each-second", "* * * * * *"))).GetProperty("id").GetString()!;
        var start = _harness.Time.GetUtcNow();

        // Five seconds, each pass run twice (as two nodes or two passes would): one call per tick.
        for (var second = 1; second <= 5; second++)
        {
            _harness.Time.Advance(TimeSpan.FromSeconds(1));
            await RunOnceAsync();
            await RunOnceAsync();
        }

        var calls = await QueuedBodiesAsync(fnId);
        Assert.Equal(5, calls.Count);
        var first = new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, start.Minute, start.Second, TimeSpan.Zero).AddSeconds(1);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => first.AddSeconds(i)), calls.Select(c => c.GetProperty("scheduled_time").GetDateTimeOffset()).Order());
        Assert.All(calls, c => Assert.Equal(trigger, c.GetProperty("trigger_id").GetString()));
        Assert.All(calls, c => Assert.Equal("each-second", c.GetProperty("trigger_name").GetString()));
        Assert.All(calls, c => Assert.False(c.GetProperty("catch_up").GetBoolean()));

        using (var deleted = await _harness.Http.DeleteAsync(new Uri($"/v2/triggers/{trigger}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        _harness.Time.Advance(TimeSpan.FromSeconds(3));
        await RunOnceAsync();
        Assert.Equal(5, (await QueuedBodiesAsync(fnId)).Count);
    }

    [Fact]
    public async Task RunOnce_AfterDowntime_OneCatchUpCall()
    {
        var (appId, fnId) = await _harness.CreateFnAsync("cronapp", "tick");
        await _harness.PostJsonAsync("/v2/triggers", Body(appId, fnId, "minutely", "* * * * *"));
        _harness.Time.Advance(TimeSpan.FromMinutes(1));
        await RunOnceAsync();

        // No pass for an hour: one call stands for the 60 missed ticks.
        _harness.Time.Advance(TimeSpan.FromHours(1));
        await RunOnceAsync();
        await RunOnceAsync();

        var calls = await QueuedBodiesAsync(fnId);
        Assert.Equal(2, calls.Count);
        Assert.Equal([false, true], calls.OrderBy(c => c.GetProperty("scheduled_time").GetDateTimeOffset()).Select(c => c.GetProperty("catch_up").GetBoolean()));
    }

    [Fact]
    public async Task RunOnce_PausedThenResumed_NoCallsWhilePaused()
    {
        var (appId, fnId) = await _harness.CreateFnAsync("cronapp", "tick");
        var trigger = (await _harness.PostJsonAsync("/v2/triggers", Body(appId, fnId, "minutely", "* * * * *", """ ,"annotations":{"fnsharp.io/cron-paused":"true"}"""))).GetProperty("id").GetString()!;
        _harness.Time.Advance(TimeSpan.FromMinutes(3));
        await RunOnceAsync();
        Assert.Empty(await QueuedBodiesAsync(fnId));
        Assert.Empty((await GetJsonAsync($"/v2/triggers/{trigger}")).GetProperty("annotations").GetProperty("fnsharp.io/cron-next-runs").EnumerateArray());

        await PutAsync($"/v2/triggers/{trigger}", """{"annotations":{"fnsharp.io/cron-paused":"false"}}""");
        await RunOnceAsync();
        Assert.Empty(await QueuedBodiesAsync(fnId));
        _harness.Time.Advance(TimeSpan.FromMinutes(1));
        await RunOnceAsync();

        Assert.Single(await QueuedBodiesAsync(fnId));
    }

    [Fact]
    public async Task RunOnce_OverlapSkip_NoSecondCallWhileTheFirstIsQueued()
    {
        var (appId, fnId) = await _harness.CreateFnAsync("cronapp", "tick");
        await _harness.PostJsonAsync("/v2/triggers", Body(appId, fnId, "minutely", "* * * * *", """ ,"annotations":{"fnsharp.io/cron-overlap":"skip"}"""));

        // The worker is off: the first call stays queued, so the next ticks are skipped.
        for (var minute = 1; minute <= 3; minute++)
        {
            _harness.Time.Advance(TimeSpan.FromMinutes(1));
            await RunOnceAsync();
        }

        Assert.Single(await QueuedBodiesAsync(fnId));
    }

    private static string Body(string appId, string fnId, string name, string source, string extra = "") =>
        $$"""{"app_id":"{{appId}}","fn_id":"{{fnId}}","name":"{{name}}","type":"cron","source":"{{source}}"{{extra}}}""";

    private Task<DateTimeOffset?> RunOnceAsync() =>
        _harness.Services.GetRequiredService<CronScheduler>().RunOnceAsync(_harness.Services.GetRequiredService<ITriggerTickStore>(), _harness.Time.GetUtcNow(), CancellationToken.None);

    private async Task<List<JsonElement>> QueuedBodiesAsync(string fnId)
    {
        var store = _harness.Services.GetRequiredService<ICallStore>();
        var page = await store.GetCallsAsync(new CallFilter { FnId = fnId, PerPage = 100 }, CancellationToken.None);
        var bodies = new List<JsonElement>();
        foreach (var call in page.Items)
        {
            Assert.Equal(CallTypes.Detached, call.Type);
            bodies.Add(await BodyOfAsync(call.Id));
        }

        return bodies;
    }

    private async Task<JsonElement> BodyOfAsync(string callId)
    {
        // The payload of a queued call, read from the server's SQLite file (a claim would change the call).
        var db = Path.Combine(_harness.DataDirectory, "fnsharp.db");
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT body FROM call_payloads WHERE call_id = $id";
        command.Parameters.AddWithValue("$id", callId);
        var body = (byte[])(await command.ExecuteScalarAsync())!;
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await _harness.Http.GetAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private Task<HttpResponseMessage> PostAsync(string path, string body) =>
        _harness.Http.PostAsync(new Uri(path, UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));

    private async Task PutAsync(string path, string body)
    {
        using var response = await _harness.Http.PutAsync(new Uri(path, UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
