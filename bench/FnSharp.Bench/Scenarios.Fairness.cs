using System.Globalization;
using System.Text.Json.Nodes;
using FnSharp.Core.Models;
using FnSharp.Core.Storage;
using FnSharp.Storage.Sqlite;

namespace FnSharp.Bench;

internal sealed partial class Scenarios
{
    private const int FairnessSlots = 8;
    private const int SlowCalls = 22;
    private const int FastCalls = 100;
    private static readonly TimeSpan SlowCall = TimeSpan.FromSeconds(25);
    private static readonly TimeSpan FastCall = TimeSpan.FromSeconds(3.3);

    /// <summary>
    /// Fairness of the detached-call queue (the case of issue 19): 22 calls of 25 s of one fn queued just
    /// before 100 calls of 3.3 s of another, run by one worker with 8 slots (FN_ASYNC_MAX_CONCURRENT). A
    /// simulation on simulated time against the real store's claims (a SQLite file): at each moment the
    /// free slots claim, each claimed call ends after its fn's duration and its end is stored. It measures
    /// when the second fn's last call ends: alone, behind the first with the store's fair claim, and behind
    /// it with the oldest-first claim FnSharp had before (replayed in memory, the same order its SQL gave).
    /// </summary>
    public async Task FairnessAsync(CancellationToken cancellationToken)
    {
        var alone = await SimulateAsync(withSlowFn: false, cancellationToken);
        var fair = await SimulateAsync(withSlowFn: true, cancellationToken);
        var oldestFirst = SimulateOldestFirst();
        report.Json["fairness"] = new JsonObject
        {
            ["method"] = $"simulated time; {FairnessSlots} slots; {SlowCalls} calls of {SlowCall.TotalSeconds} s (fn slow) queued, then {FastCalls} calls of {FastCall.TotalSeconds} s (fn fast); claims by SqliteDataStore, the oldest-first order replayed in memory",
            ["fast_alone_s"] = alone.Fast,
            ["fast_behind_slow_fair_s"] = fair.Fast,
            ["slow_fair_s"] = fair.Slow,
            ["fast_behind_slow_oldest_first_s"] = oldestFirst.Fast,
            ["slow_oldest_first_s"] = oldestFirst.Slow,
        };
        report.Add("10 detached fairness", $"{FastCalls} calls of {FastCall.TotalSeconds} s behind {SlowCalls} of {SlowCall.TotalSeconds} s, {FairnessSlots} slots: last fast call ends at",
            $"{F(fair.Fast, "0.0")} s (the slow fn's last at {F(fair.Slow, "0.0")} s)",
            $"alone: {F(alone.Fast, "0.0")} s; oldest first (before): {F(oldestFirst.Fast, "0.0")} s (slow fn's last at {F(oldestFirst.Slow, "0.0")} s)",
            "simulated time, the store's real claims");
    }

    /// <summary>Runs the case on a fresh SQLite store; returns when each fn's last call ended, in seconds from the start.</summary>
    private static async Task<(double Fast, double Slow)> SimulateAsync(bool withSlowFn, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("fnsharp-bench-fairness-").FullName;
        try
        {
            var store = await SqliteDataStore.OpenAsync(Path.Combine(directory, "fnsharp.db"), cancellationToken);
            var start = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
            var app = await store.InsertAppAsync(new App { Id = "APP", Name = "fairness", CreatedAt = start, UpdatedAt = start }, cancellationToken);
            var slow = await store.InsertFnAsync(new Fn { Id = "SLOW", AppId = app.Id, Name = "slow", Image = "x", CreatedAt = start, UpdatedAt = start }, cancellationToken);
            var fast = await store.InsertFnAsync(new Fn { Id = "FAST", AppId = app.Id, Name = "fast", Image = "x", CreatedAt = start, UpdatedAt = start }, cancellationToken);
            var id = 0;
            async Task EnqueueAsync(Fn fn, int count, DateTimeOffset at)
            {
                for (var i = 0; i < count; i++)
                {
                    var call = new Call { Id = $"C{id++:D8}", AppId = app.Id, FnId = fn.Id, Type = CallTypes.Detached, Status = CallStates.Queued, CreatedAt = at.AddMilliseconds(i) };
                    await store.EnqueueCallAsync(call, new CallPayload([], []), cancellationToken);
                }
            }

            if (withSlowFn)
            {
                await EnqueueAsync(slow, SlowCalls, start);
            }

            await EnqueueAsync(fast, FastCalls, start.AddSeconds(1));

            // The running calls, each with its end time; time jumps from one end to the next.
            var running = new List<(DateTimeOffset End, ClaimedCall Call)>();
            var now = start.AddSeconds(1);
            var lastEnd = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            while (true)
            {
                var free = FairnessSlots - running.Count;
                foreach (var claimed in await store.ClaimCallsAsync("bench", now, TimeSpan.FromHours(1), free, cancellationToken))
                {
                    running.Add((now + (claimed.Call.FnId == slow.Id ? SlowCall : FastCall), claimed));
                }

                if (running.Count == 0)
                {
                    break;
                }

                var next = running.MinBy(r => r.End);
                running.Remove(next);
                now = next.End;
                var ended = next.Call.Call with { Status = CallStates.Success, StatusCode = 200, CompletedAt = now };
                await store.CompleteCallAsync(ended, next.Call.Lease, null, null, cancellationToken);
                lastEnd[ended.FnId] = now;
            }

            return ((lastEnd[fast.Id] - start).TotalSeconds, lastEnd.TryGetValue(slow.Id, out var slowEnd) ? (slowEnd - start).TotalSeconds : 0);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The same case with the claim FnSharp had before: the oldest due calls first, whatever their fn.</summary>
    private static (double Fast, double Slow) SimulateOldestFirst()
    {
        // Queued in creation order, so oldest first is the queue's order.
        var queue = new Queue<TimeSpan>(Enumerable.Repeat(SlowCall, SlowCalls).Concat(Enumerable.Repeat(FastCall, FastCalls)));
        var running = new List<(double End, TimeSpan Duration)>();
        var now = 1.0;
        double fastEnd = 0, slowEnd = 0;
        while (queue.Count > 0 || running.Count > 0)
        {
            while (running.Count < FairnessSlots && queue.Count > 0)
            {
                var duration = queue.Dequeue();
                running.Add((now + duration.TotalSeconds, duration));
            }

            var next = running.MinBy(r => r.End);
            running.Remove(next);
            now = next.End;
            if (next.Duration == SlowCall)
            {
                slowEnd = now;
            }
            else
            {
                fastEnd = now;
            }
        }

        return (fastEnd, slowEnd);
    }
}
