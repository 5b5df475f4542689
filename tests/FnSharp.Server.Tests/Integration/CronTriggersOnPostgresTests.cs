using System.Text.Json;
using FnSharp.Core.Storage;
using FnSharp.Server.Tests.Detached;
using FnSharp.Server.Triggers;
using FnSharp.Testing;
using FnSharp.Testing.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FnSharp.Server.Tests.Integration;

/// <summary>
/// Two nodes on one real PostgreSQL run the schedulers of the same cron trigger at the same ticks, at
/// the same time: each tick becomes one call. The nodes' clocks are fake and the schedulers' passes run
/// by the test (their loops are off), so both nodes see every tick; the race is the database's.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class CronTriggersOnPostgresTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string> Settings = new() { ["FN_CRON_POLL_MSECS"] = "0", ["FN_ASYNC_MAX_CONCURRENT"] = "0" };
    private readonly DetachedCallHarness _a = new(new(Settings));
    private readonly DetachedCallHarness _b = new(new(Settings));
    private PostgresTestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        _a.DbUrl = _database.Url;
        _b.DbUrl = _database.Url;
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task TwoNodes_EverySecondForTenSeconds_EachTickOnce()
    {
        var (appId, fnId) = await _a.CreateFnAsync("app", "fn");
        await _a.PostJsonAsync("/v2/triggers", $$"""{"app_id":"{{appId}}","fn_id":"{{fnId}}","name":"each-second","type":"cron","source":"* * * * * *"}""");
        var start = _a.Time.GetUtcNow();

        for (var second = 1; second <= 10; second++)
        {
            _a.Time.Advance(TimeSpan.FromSeconds(1));
            _b.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAll(Task.Run(() => RunOnceAsync(_a)), Task.Run(() => RunOnceAsync(_b)));
        }

        // Every queued call with its body (claimed here only to read the payloads).
        var claimed = await _a.Calls.ClaimCallsAsync("reader", _a.Time.GetUtcNow(), TimeSpan.FromMinutes(1), 100, CancellationToken.None);
        var ticks = claimed.Select(c => JsonDocument.Parse(c.Payload.Body).RootElement.GetProperty("scheduled_time").GetDateTimeOffset()).Order().ToList();
        var first = DateTimeOffset.FromUnixTimeSeconds(start.ToUnixTimeSeconds() + 1);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => first.AddSeconds(i)), ticks);
        Assert.All(claimed, c => Assert.Equal(fnId, c.Call.FnId));
    }

    private static Task<DateTimeOffset?> RunOnceAsync(DetachedCallHarness node) =>
        node.Services.GetRequiredService<CronScheduler>().RunOnceAsync(node.Services.GetRequiredService<ITriggerTickStore>(), node.Time.GetUtcNow(), CancellationToken.None);
}
