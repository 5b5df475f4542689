using System.Text.Json;
using FnSharp.Client;
using FnSharp.Core.Models;
using FnSharp.Core.Storage;
using FnSharp.Server.Detached;
using FnSharp.Server.Triggers;
using FnSharp.Testing;
using FnSharp.Testing.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace FnSharp.Server.Tests.Integration;

/// <summary>
/// Issue 20 on the real Docker engine with the test function (<c>fnsharp/testfn:latest</c>) and the real
/// clock: a cron trigger every second makes one call per tick, each run in a container, and none once it is
/// deleted; destinations fire once for a success and once for a dead letter. The test waits for the
/// worker's stored attempts (<see cref="IDetachedCallObserver"/>), not for time.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class TriggersAndDestinationsOnDockerTests : IAsyncLifetime
{
    private const string Image = "fnsharp/testfn:latest";

    // A failsafe against a hung test, not a timing assertion: containers start slowly on a loaded machine.
    private static readonly TimeSpan Failsafe = TimeSpan.FromMinutes(2);
    private readonly FnSharpServerFactory _server = new();
    private readonly StoredAttempts _attempts = new();

    public Task InitializeAsync()
    {
        _server.TestServices = services => services.AddSingleton<IDetachedCallObserver>(_attempts);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Cron_EverySecond_OneCallPerTickRunOnTheEngine_NoneOnceDeleted()
    {
        var client = _server.CreateFnClient();
        var app = await client.CreateAppAsync(new App { Name = "cron" });
        var fn = await client.CreateFnAsync(new Fn { Name = "tick", AppId = app.Id, Image = Image, Memory = 128 });
        var trigger = await client.CreateTriggerAsync(new Trigger { AppId = app.Id, FnId = fn.Id, Name = "each-second", Type = Trigger.CronType, Source = "* * * * * *" });

        // Five ticks run to their end (about 5 s), then the ticks stored so far, then the trigger goes.
        await _attempts.WaitAsync(all => all.Count(a => a.Settlement == DetachedSettlement.Completed) >= 5, Failsafe);
        var ticks = await TicksAsync(trigger.Id);
        await client.DeleteTriggerAsync(trigger.Id);
        var calls = await CallsAsync(client, fn.Id);

        // One call per stored tick: each tick once, a second apart or more (a pass late under load collapses
        // the ticks it missed into one catch-up call), each with its own call.
        Assert.True(ticks.Count >= 5, $"{ticks.Count} ticks");
        Assert.Equal(ticks.Count, ticks.Select(t => t.TickAt).Distinct().Count());
        Assert.All(ticks.Zip(ticks.Skip(1)), p => Assert.True(p.Second.TickAt - p.First.TickAt >= TimeSpan.FromSeconds(1) && p.Second.TickAt.Millisecond == 0, $"{p.First.TickAt:O} then {p.Second.TickAt:O}"));
        Assert.Equal(ticks.Count, ticks.Select(t => t.CallId).Distinct().Count());
        Assert.Subset(calls.Select(c => c.Id).ToHashSet(), ticks.Select(t => t.CallId).ToHashSet());

        // A tick may have been stored between the read and the delete; none after the delete, even in a pass
        // later than the next ticks.
        Assert.InRange(calls.Count, ticks.Count, ticks.Count + 1);
        var scheduler = _server.Services.GetRequiredService<CronScheduler>();
        await scheduler.RunOnceAsync(_server.Services.GetRequiredService<ITriggerTickStore>(), DateTimeOffset.UtcNow.AddSeconds(10), CancellationToken.None);
        Assert.Equal(calls.Count, (await CallsAsync(client, fn.Id)).Count);

        // The ticks that ran ran in a container of the fn.
        var ran = await Task.WhenAll(ticks.Select(t => client.GetCallAsync(fn.Id, t.CallId)));
        Assert.All(ran.Where(c => c.IsFinished), c => Assert.Equal((CallTypes.Detached, CallStates.Success), (c.Type, c.Status)));
        Assert.True(ran.Count(c => c.Status == CallStates.Success) >= 5);
    }

    [Fact]
    public async Task Destinations_SuccessAndDeadLetter_EachFiresOnce()
    {
        var client = _server.CreateFnClient();
        var app = await client.CreateAppAsync(new App { Name = "dest" });
        var onSuccess = await client.CreateFnAsync(new Fn { Name = "on-ok", AppId = app.Id, Image = Image, Memory = 128 });
        var onFailure = await client.CreateFnAsync(new Fn { Name = "on-bad", AppId = app.Id, Image = Image, Memory = 128 });
        var work = await client.CreateFnAsync(new Fn
        {
            Name = "work",
            AppId = app.Id,
            Image = Image,
            Memory = 128,
            Annotations = new Dictionary<string, JsonElement>
            {
                [FnSharpAnnotations.OnSuccess] = JsonSerializer.SerializeToElement("on-ok"),
                [FnSharpAnnotations.OnFailure] = JsonSerializer.SerializeToElement(onFailure.Id),
            },
        });

        var ok = await client.InvokeDetachedAsync(work.Id, """{"body":"fine"}""");
        var bad = await client.InvokeDetachedAsync(work.Id, """{"throw":"boom"}""");

        // The two calls end, then the two destination calls they queued end.
        await _attempts.WaitAsync(all => all.Count(a => a.Settlement is DetachedSettlement.Completed or DetachedSettlement.DeadLettered) >= 4, Failsafe);
        var okEnd = await client.GetCallAsync(work.Id, ok.CallId!);
        var badEnd = await client.GetCallAsync(work.Id, bad.CallId!);
        var successCalls = await CallsAsync(client, onSuccess.Id);
        var failureCalls = await CallsAsync(client, onFailure.Id);

        Assert.Equal((CallStates.Success, false), (okEnd.Status, okEnd.DeadLetter));
        Assert.Equal((CallStates.Error, true), (badEnd.Status, badEnd.DeadLetter));
        Assert.Equal((CallTypes.Detached, CallStates.Success), (Assert.Single(successCalls).Type, successCalls[0].Status));
        Assert.Equal((CallTypes.Detached, CallStates.Success), (Assert.Single(failureCalls).Type, failureCalls[0].Status));
        Assert.Equal(4, _attempts.All.Count(a => a.Settlement is DetachedSettlement.Completed or DetachedSettlement.DeadLettered));
    }

    private static async Task<List<Call>> CallsAsync(FnSharpClient client, string fnId) =>
        [.. (await client.ListCallsAsync(fnId, perPage: 100)).Items];

    /// <summary>The stored ticks of a cron trigger, oldest first, read from the server's SQLite file.</summary>
    private async Task<List<(DateTimeOffset TickAt, string CallId)>> TicksAsync(string triggerId)
    {
        await using var connection = new SqliteConnection($"Data Source={_server.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT tick_at, call_id FROM trigger_ticks WHERE trigger_id = $id ORDER BY tick_at";
        command.Parameters.AddWithValue("$id", triggerId);
        var ticks = new List<(DateTimeOffset, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ticks.Add((DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), reader.GetString(1)));
        }

        return ticks;
    }

    /// <summary>Every stored attempt of the server's worker, for the test to wait on.</summary>
    private sealed class StoredAttempts : IDetachedCallObserver
    {
        private readonly Lock _lock = new();
        private readonly List<DetachedAttempt> _all = [];
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<DetachedAttempt> All
        {
            get
            {
                lock (_lock)
                {
                    return [.. _all];
                }
            }
        }

        public void AttemptSettled(DetachedAttempt attempt)
        {
            TaskCompletionSource changed;
            lock (_lock)
            {
                _all.Add(attempt);
                changed = _changed;
                _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            changed.TrySetResult();
        }

        /// <summary>Waits until <paramref name="done"/> holds for the attempts stored so far.</summary>
        public async Task WaitAsync(Func<IReadOnlyList<DetachedAttempt>, bool> done, TimeSpan failsafe)
        {
            using var limit = new CancellationTokenSource(failsafe);
            while (true)
            {
                Task changed;
                lock (_lock)
                {
                    if (done(_all))
                    {
                        return;
                    }

                    changed = _changed.Task;
                }

                await changed.WaitAsync(limit.Token);
            }
        }
    }
}
