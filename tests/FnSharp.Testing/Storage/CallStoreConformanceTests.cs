using System.Collections.Concurrent;
using FnSharp.Core.Errors;
using FnSharp.Core.Models;
using FnSharp.Core.Storage;
using Xunit;
using M = FnSharp.Testing.Builders.Models;

namespace FnSharp.Testing.Storage;

/// <summary>
/// What every <see cref="ICallStore"/> must do: derive once per backend and open a fresh, empty store
/// (which must be an <see cref="IDataStore"/> too, since calls belong to fns) in <see cref="OpenStoreAsync"/>.
/// Times are fixed; nothing waits on a clock.
/// </summary>
public abstract class CallStoreConformanceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 10, 29, 7, 577, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly CancellationToken None = CancellationToken.None;

    private int _nextId;

    /// <summary>The store under test, opened in <see cref="InitializeAsync"/>.</summary>
    protected IDataStore Store { get; private set; } = null!;

    /// <summary>The same store, as the call store.</summary>
    protected ICallStore Calls { get; private set; } = null!;

    /// <summary>Opens a fresh, empty store that implements <see cref="ICallStore"/> too.</summary>
    protected abstract Task<IDataStore> OpenStoreAsync();

    /// <summary>Closes the store and removes what it stored.</summary>
    protected abstract Task CloseStoreAsync();

    /// <summary>Counts the rows of <paramref name="table"/> (<c>call_payloads</c> or <c>call_logs</c>) whose <c>call_id</c> is <paramref name="callId"/>, straight from the database.</summary>
    protected abstract Task<long> CountRowsAsync(string table, string callId);

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        Store = await OpenStoreAsync();
        Calls = (ICallStore)Store;
    }

    /// <inheritdoc/>
    public Task DisposeAsync() => CloseStoreAsync();

    [Fact]
    public async Task EnqueueThenClaim_RunningLeasedWithPayloadInOrder()
    {
        var fn = await FnAsync();
        var call = Queued(fn, Now.AddMinutes(-1));
        var payload = new CallPayload(
            [new("Content-Type", "application/json"), new("X-B", "2"), new("X-A", "1"), new("X-A", "ünï"), new("Fn-Http-H-Empty", "")],
            [0, 1, 2, 0xFF, 0xFE, 0]);

        await Calls.EnqueueCallAsync(call, payload, None);
        var claimed = Assert.Single(await Calls.ClaimCallsAsync("node-a", Now, Lease, 10, None));

        var running = call with { Status = CallStates.Running, StartedAt = Now, Attempts = 1 };
        Assert.Equal(running, claimed.Call);
        Assert.Equal(payload.Headers, claimed.Payload.Headers);
        Assert.Equal(payload.Body, claimed.Payload.Body);
        Assert.Equal(running, await Calls.GetCallAsync(fn.Id, call.Id, None));
        Assert.Empty(await Calls.ClaimCallsAsync("node-b", Now, Lease, 10, None));
    }

    [Fact]
    public async Task Claim_EmptyPayload_RoundTrips()
    {
        var fn = await FnAsync();
        var call = Queued(fn, Now);

        await Calls.EnqueueCallAsync(call, new CallPayload([], []), None);
        var claimed = Assert.Single(await Calls.ClaimCallsAsync("node-a", Now, Lease, 1, None));

        Assert.Empty(claimed.Payload.Headers);
        Assert.Empty(claimed.Payload.Body);
    }

    [Fact]
    public async Task Claim_SeveralDue_OldestFirstByCreatedAtThenIdUpToMax()
    {
        var fn = await FnAsync();
        var newest = Queued(fn, Now.AddSeconds(-1));
        var oldest = Queued(fn, Now.AddSeconds(-5));
        var tieB = Queued(fn, Now.AddSeconds(-3)) with { Id = "CALL-TIE-B" };
        var tieA = Queued(fn, Now.AddSeconds(-3)) with { Id = "CALL-TIE-A" };
        foreach (var call in new[] { newest, tieB, oldest, tieA })
        {
            await Calls.EnqueueCallAsync(call, Payload(), None);
        }

        var first = await Calls.ClaimCallsAsync("node-a", Now, Lease, 2, None);
        var rest = await Calls.ClaimCallsAsync("node-a", Now, Lease, 10, None);

        Assert.Equal([oldest.Id, tieA.Id], first.Select(c => c.Call.Id));
        Assert.Equal([tieB.Id, newest.Id], rest.Select(c => c.Call.Id));
    }

    [Fact]
    public async Task Claim_TwoFnsWithBacklogs_TakesTurnsOldestOfEachFirst()
    {
        var busy = await FnAsync();
        var quiet = await FnAsync();
        var backlog = Enumerable.Range(0, 4).Select(i => Queued(busy, Now.AddMinutes(-10).AddSeconds(i))).ToList();
        var later = Enumerable.Range(0, 2).Select(i => Queued(quiet, Now.AddSeconds(i - 5))).ToList();
        foreach (var call in backlog.Concat(later))
        {
            await Calls.EnqueueCallAsync(call, Payload(), None);
        }

        var claimed = await Calls.ClaimCallsAsync("node-a", Now, Lease, 5, None);

        Assert.Equal([backlog[0].Id, later[0].Id, backlog[1].Id, later[1].Id, backlog[2].Id], claimed.Select(c => c.Call.Id));
    }

    [Fact]
    public async Task Claim_OneFnsBacklogAlreadyRunning_AnotherFnsNewerCallGoesFirst()
    {
        var busy = await FnAsync();
        var quiet = await FnAsync();
        var backlog = Enumerable.Range(0, 5).Select(i => Queued(busy, Now.AddMinutes(-10).AddSeconds(i))).ToList();
        foreach (var call in backlog)
        {
            await Calls.EnqueueCallAsync(call, Payload(), None);
        }

        // Two of the backlog run (on any node); then a call of another fn arrives, and one slot frees up.
        await Calls.ClaimCallsAsync("node-b", Now.AddMinutes(-1), Lease, 2, None);
        var newer = Queued(quiet, Now.AddSeconds(-1));
        await Calls.EnqueueCallAsync(newer, Payload(), None);

        var first = await Calls.ClaimCallsAsync("node-a", Now.AddSeconds(-30), Lease, 1, None);
        var second = await Calls.ClaimCallsAsync("node-a", Now.AddSeconds(-30), Lease, 1, None);

        Assert.Equal([newer.Id], first.Select(c => c.Call.Id));
        Assert.Equal([backlog[2].Id], second.Select(c => c.Call.Id));
    }

    [Fact]
    public async Task Claim_RunningCallWhoseLeaseEnded_CountsAsDueNotAsRunning()
    {
        var stalled = await FnAsync();
        var other = await FnAsync();
        var dead = Queued(stalled, Now.AddMinutes(-10));
        var waiting = Queued(stalled, Now.AddMinutes(-9));
        var newer = Queued(other, Now.AddMinutes(-1));
        await Calls.EnqueueCallAsync(dead, Payload(), None);
        await Calls.ClaimCallsAsync("dead-node", Now.AddMinutes(-5), Lease, 1, None);
        await Calls.EnqueueCallAsync(waiting, Payload(), None);
        await Calls.EnqueueCallAsync(newer, Payload(), None);

        var claimed = await Calls.ClaimCallsAsync("node-a", Now, Lease, 3, None);

        Assert.Equal([dead.Id, newer.Id, waiting.Id], claimed.Select(c => c.Call.Id));
    }

    [Fact]
    public async Task Claim_EightConcurrentClaimers_DisjointAndComplete()
    {
        var fn = await FnAsync();
        var ids = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            var call = Queued(fn, Now.AddMilliseconds(-i));
            ids.Add(call.Id);
            await Calls.EnqueueCallAsync(call, Payload(), None);
        }

        var claimed = new ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(n => Task.Run(async () =>
        {
            while (await Calls.ClaimCallsAsync($"node-{n}", Now, Lease, 5, None) is { Count: > 0 } batch)
            {
                foreach (var c in batch)
                {
                    claimed.Add(c.Call.Id);
                }
            }
        })));

        Assert.Equal(ids.Count, claimed.Count);
        Assert.Equal(ids.Order(StringComparer.Ordinal), claimed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Claim_NextAttemptInTheFuture_SkippedUntilDue()
    {
        var fn = await FnAsync();
        var call = Queued(fn, Now.AddMinutes(-1)) with { NextAttemptAt = Now.AddSeconds(1) };
        await Calls.EnqueueCallAsync(call, Payload(), None);

        Assert.Empty(await Calls.ClaimCallsAsync("node-a", Now, Lease, 10, None));
        Assert.Equal(call.Id, Assert.Single(await Calls.ClaimCallsAsync("node-a", Now.AddSeconds(1), Lease, 10, None)).Call.Id);
    }

    [Fact]
    public async Task Claim_LeaseRunOut_ReclaimedByAnotherNodeButNotBefore()
    {
        var fn = await FnAsync();
        var call = Queued(fn, Now);
        await Calls.EnqueueCallAsync(call, Payload(), None);
        await Calls.ClaimCallsAsync("node-a", Now, Lease, 10, None);

        var atLeaseEnd = await Calls.ClaimCallsAsync("node-b", Now + Lease, Lease, 10, None);
        var after = Now + Lease + TimeSpan.FromMilliseconds(1);
        var afterLeaseEnd = await Calls.ClaimCallsAsync("node-b", after, Lease, 10, None);

        Assert.Empty(atLeaseEnd);
        var reclaimed = Assert.Single(afterLeaseEnd).Call;
        Assert.Equal((CallStates.Running, 2, after), (reclaimed.Status, reclaimed.Attempts, reclaimed.StartedAt));
        Assert.Equal(0, await Calls.RecoverNodeCallsAsync("node-a", None));
        Assert.Equal(1, await Calls.RecoverNodeCallsAsync("node-b", None));
    }

    [Fact]
    public async Task ExtendLeases_OwnCallsExtended_OthersLeftAlone()
    {
        var fn = await FnAsync();
        var mine = Queued(fn, Now.AddSeconds(-2));
        var theirs = Queued(fn, Now.AddSeconds(-1));
        await Calls.EnqueueCallAsync(mine, Payload(), None);
        await Calls.EnqueueCallAsync(theirs, Payload(), None);
        await Calls.ClaimCallsAsync("node-a", Now, Lease, 1, None);
        await Calls.ClaimCallsAsync("node-b", Now, Lease, 1, None);

        await Calls.ExtendLeasesAsync("node-a", [mine.Id, theirs.Id, "unknown", "a\0b"], Now.AddMinutes(5), None);
        var reclaimed = await Calls.ClaimCallsAsync("node-c", Now.AddMinutes(1), TimeSpan.FromHours(1), 10, None);

        Assert.Equal([theirs.Id], reclaimed.Select(c => c.Call.Id));
        Assert.Empty(await Calls.ClaimCallsAsync("node-c", Now.AddMinutes(5), Lease, 10, None));
        Assert.Equal(mine.Id, Assert.Single(await Calls.ClaimCallsAsync("node-c", Now.AddMinutes(5).AddMilliseconds(1), Lease, 10, None)).Call.Id);
    }

    [Fact]
    public async Task RecoverNodeCalls_OnlyThatNodesRunningCalls_DueAtOnce()
    {
        var fn = await FnAsync();
        var mine = Queued(fn, Now.AddSeconds(-3));
        var theirs = Queued(fn, Now.AddSeconds(-2));
        var waiting = Queued(fn, Now.AddSeconds(-1)) with { NextAttemptAt = Now.AddHours(1) };
        await Calls.EnqueueCallAsync(mine, Payload(), None);
        await Calls.EnqueueCallAsync(theirs, Payload(), None);
        await Calls.EnqueueCallAsync(waiting, Payload(), None);
        await Calls.ClaimCallsAsync("node-a", Now, Lease, 1, None);
        await Calls.ClaimCallsAsync("node-b", Now, Lease, 1, None);

        Assert.Equal(1, await Calls.RecoverNodeCallsAsync("node-a", None));
        Assert.Equal(0, await Calls.RecoverNodeCallsAsync("node-a", None));

        var recovered = await Calls.GetCallAsync(fn.Id, mine.Id, None);
        Assert.Equal((CallStates.Queued, 1, (DateTimeOffset?)null), (recovered?.Status, recovered?.Attempts, recovered?.NextAttemptAt));
        Assert.Equal(CallStates.Running, (await Calls.GetCallAsync(fn.Id, theirs.Id, None))?.Status);
        Assert.Equal([mine.Id], (await Calls.ClaimCallsAsync("node-a", Now, Lease, 10, None)).Select(c => c.Call.Id));
    }

    [Fact]
    public async Task Complete_Success_StoredWithLogAndPayloadDropped()
    {
        var fn = await FnAsync();
        var call = Queued(fn, Now.AddSeconds(-1));
        await Calls.EnqueueCallAsync(call, Payload(), None);
        var claimed = Assert.Single(await Calls.ClaimCallsAsync("node-a", Now, Lease, 1, None)).Call;
        var ended = claimed with { Status = CallStates.Success, StatusCode = 200, CompletedAt = Now.AddSeconds(2), ContainerId = "c0ffee", ImageDigest = "sha256:0123abcd" };

        Assert.Equal(LeasedWrite.Stored, await Calls.CompleteCallAsync(ended, LeaseOf(claimed), new CallLog(call.Id, fn.Id, "line 1\nline 2\n"), null, None));

        Assert.Equal(ended, await Calls.GetCallAsync(fn.Id, call.Id, None));
        Assert.Equal(new CallLog(call.Id, fn.Id, "line 1\nline 2\n"), await Calls.GetCallLogAsync(fn.Id, call.Id, None));
        Assert.Equal(0, await CountRowsAsync("call_payloads", call.Id));
        Assert.Equal(0, await Calls.RecoverNodeCallsAsync("node-a", None));
        Assert.Empty(await Calls.ClaimCallsAsync("node-b", Now.AddHours(1), Lease, 10, None));
    }

    [Fact]
    public async Task Complete_NoLog_NoneStored()
    {
        var fn = await FnAsync();
        var call = Queued(fn, Now);
        await Calls.EnqueueCallAsync(call, Payload(), None);
        var claimed = Assert.Single(await Calls.ClaimCallsAsync("node-a", Now, Lease, 1, None)).Call;

        await Calls.CompleteCallAsync(claimed with { Status = CallStates.Timeout, StatusCode = 504, Error = "Timed out", CompletedAt = Now }, LeaseOf(claimed), null, null, None);

        var stored = await Calls.GetCallAsync(fn.Id, call.Id, None);
        Assert.Equal((CallStates.Timeout, 504, "Timed out"), (stored?.Status, stored?.StatusCode, stored?.Error));
        Assert.Null(await Calls.GetCallLogAsync(fn.Id, call.Id, None));
    }

    [Fact]
    public async Task Complete_CallRemovedWithItsFn_NothingLeftBehind()
    {
        var fn = await FnAsync();
        var call = Queued(fn, Now);
        await Calls.EnqueueCallAsync(call, Payload(), None);
        var claimed = Assert.Single(await Calls.ClaimCallsAsync("node-a", Now, Lease, 1, None)).Call;
        await Store.RemoveFnAsync(fn.Id, None);

        var write = await Calls.CompleteCallAsync(claimed with { Status = CallStates.Success, StatusCode = 200, CompletedAt = Now }, LeaseOf(claimed), new CallLog(call.Id, fn.Id, "x\n"), null, None);

        Assert.Equal(LeasedWrite.CallRemoved, write);
        Assert.Null(await Calls.GetCallAsync(fn.Id, call.Id, None));
        Assert.Equal(0, await CountRowsAsync("call_logs", call.Id));
    }

    [Fact]
    public async Task Complete_DeadLetterThenRedrive_QueuedAfreshWithTheSamePayload()
    {
        var fn = await FnAsync();
        var call = Queued(fn, Now.AddMinutes(-10));
        var payload = new CallPayload([new("X-Order", "1")], [7, 8, 9]);
        await Calls.EnqueueCallAsync(call, payload, None);
        var claimed = Assert.Single(await Calls.ClaimCallsAsync("node-a", Now.AddMinutes(-9), Lease, 1, None)).Call;
        await Calls.CompleteCallAsync(
            claimed with { Status = CallStates.Error, StatusCode = 502, Error = "function failed", CompletedAt = Now.AddMinutes(-8), ContainerId = "c1", DeadLetter = true },
            LeaseOf(claimed),
            new CallLog(call.Id, fn.Id, "first\n"),
            null,
            None);
        Assert.Equal(1, await CountRowsAsync("call_payloads", call.Id));

        var redriven = await Calls.RedriveCallAsync(fn.Id, call.Id, Now, None);

        var expected = call with { NextAttemptAt = Now };
        Assert.Equal(expected, redriven);
        Assert.Equal(expected, await Calls.GetCallAsync(fn.Id, call.Id, None));
        var again = Assert.Single(await Calls.ClaimCallsAsync("node-b", Now, Lease, 10, None));
        Assert.Equal(1, again.Call.Attempts);
        Assert.Equal(payload.Body, again.Payload.Body);
        Assert.Equal(payload.Headers, again.Payload.Headers);

        await Calls.CompleteCallAsync(again.Call with { Status = CallStates.Success, StatusCode = 200, CompletedAt = Now.AddSeconds(1) }, again.Lease, new CallLog(call.Id, fn.Id, "second\n"), null, None);

        Assert.Equal("second\n", (await Calls.GetCallLogAsync(fn.Id, call.Id, None))?.Text);
        Assert.Equal(0, await CountRowsAsync("call_payloads", call.Id));
    }

    [Fact]
    public async Task Complete_LeaseRanOutAndAnotherNodeEndedIt_LeaseLostAndTheOtherEndStands()
    {
        var fn = await FnAsync();
        var call = Queued(fn, Now);
        await Calls.EnqueueCallAsync(call, Payload(), None);
        var first = Assert.Single(await Calls.ClaimCallsAsync("node-a", Now, Lease, 1, None));
        var second = Assert.Single(await Calls.ClaimCallsAsync("node-b", Now + Lease + TimeSpan.FromMilliseconds(1), Lease, 1, None));
        var secondEnd = second.Call with { Status = CallStates.Success, StatusCode = 200, CompletedAt = Now.AddMinutes(1), ContainerId = "b" };
        await Calls.CompleteCallAsync(secondEnd, second.Lease, new CallLog(call.Id, fn.Id, "from b\n"), null, None);

        var late = await Calls.CompleteCallAsync(
            first.Call with { Status = CallStates.Error, StatusCode = 502, Error = "function failed", CompletedAt = Now.AddMinutes(2), ContainerId = "a" },
            first.Lease,
            new CallLog(call.Id, fn.Id, "from a\n"),
            null,
            None);

        Assert.Equal(LeasedWrite.LeaseLost, late);
        Assert.Equal(secondEnd, await Calls.GetCallAsync(fn.Id, call.Id, None));
        Assert.Equal("from b\n", (await Calls.GetCallLogAsync(fn.Id, call.Id, None))?.Text);
    }

    [Fact]
    public async Task Complete_WithFollowUp_BothStoredTheFollowUpQueuedWithItsPayload()
    {
        var fn = await FnAsync();
        var call = Queued(fn, Now);
        await Calls.EnqueueCallAsync(call, Payload(), None);
        var claimed = Assert.Single(await Calls.ClaimCallsAsync("node-a", Now, Lease, 1, None));
        var followUp = new FollowUpCall(Queued(fn, Now.AddSeconds(1)), new CallPayload([KeyValuePair.Create("Content-Type", "application/json")], "{\"condition\":\"success\"}"u8.ToArray()));

        var write = await Calls.CompleteCallAsync(claimed.Call with { Status = CallStates.Success, StatusCode = 200, CompletedAt = Now }, claimed.Lease, null, followUp, None);

        Assert.Equal(LeasedWrite.Stored, write);
        Assert.Equal(CallStates.Success, (await Calls.GetCallAsync(fn.Id, call.Id, None))?.Status);
        var next = Assert.Single(await Calls.ClaimCallsAsync("node-b", Now.AddSeconds(2), Lease, 10, None));
        Assert.Equal((followUp.Call.Id, "{\"condition\":\"success\"}"), (next.Call.Id, System.Text.Encoding.UTF8.GetString(next.Payload.Body)));
        Assert.Equal(followUp.Payload.Headers, next.Payload.Headers);
    }

    [Fact]
    public async Task Complete_WithFollowUpAfterTheLeaseRanOut_NeitherStored()
    {
        var fn = await FnAsync();
        var call = Queued(fn, Now);
        await Calls.EnqueueCallAsync(call, Payload(), None);
        var first = Assert.Single(await Calls.ClaimCallsAsync("node-a", Now, Lease, 1, None));
        var second = Assert.Single(await Calls.ClaimCallsAsync("node-b", Now + Lease + TimeSpan.FromMilliseconds(1), Lease, 1, None));
        var followUp = new FollowUpCall(Queued(fn, Now.AddSeconds(1)), Payload());

        var late = await Calls.CompleteCallAsync(first.Call with { Status = CallStates.Success, StatusCode = 200, CompletedAt = Now }, first.Lease, null, followUp, None);

        Assert.Equal(LeasedWrite.LeaseLost, late);
        Assert.Null(await Calls.GetCallAsync(fn.Id, followUp.Call.Id, None));
        Assert.Equal(second.Call, await Calls.GetCallAsync(fn.Id, call.Id, None));
    }

    [Fact]
    public async Task CompleteAndRequeue_LeaseRanOutAndAnotherNodeRunsIt_LeaseLostAndTheCallStaysWithTheOther()
    {
        var fn = await FnAsync();
        var call = Queued(fn, Now);
        await Calls.EnqueueCallAsync(call, Payload(), None);
        var first = Assert.Single(await Calls.ClaimCallsAsync("node-a", Now, Lease, 1, None));
        var second = Assert.Single(await Calls.ClaimCallsAsync("node-b", Now + Lease + TimeSpan.FromMilliseconds(1), Lease, 1, None));

        var requeue = await Calls.RequeueCallAsync(call.Id, first.Lease, Now, "node a was too busy", countAttempt: false, None);
        var complete = await Calls.CompleteCallAsync(first.Call with { Status = CallStates.Success, StatusCode = 200, CompletedAt = Now }, first.Lease, null, null, None);

        Assert.Equal((LeasedWrite.LeaseLost, LeasedWrite.LeaseLost), (requeue, complete));
        Assert.Equal(second.Call, await Calls.GetCallAsync(fn.Id, call.Id, None));
        Assert.Equal(1, await CountRowsAsync("call_payloads", call.Id));
        Assert.Equal(LeasedWrite.Stored, await Calls.CompleteCallAsync(second.Call with { Status = CallStates.Success, StatusCode = 200, CompletedAt = Now }, second.Lease, null, null, None));
    }

    [Fact]
    public async Task Requeue_LeaseRanOutAndTheSameNodeClaimedItAgain_OnlyTheNewClaimWrites()
    {
        var fn = await FnAsync();
        var call = Queued(fn, Now);
        await Calls.EnqueueCallAsync(call, Payload(), None);
        var old = Assert.Single(await Calls.ClaimCallsAsync("node-a", Now, Lease, 1, None));
        var again = Assert.Single(await Calls.ClaimCallsAsync("node-a", Now + Lease + TimeSpan.FromMilliseconds(1), Lease, 1, None));

        var stale = await Calls.RequeueCallAsync(call.Id, old.Lease, Now, "stale", countAttempt: false, None);
        var current = await Calls.RequeueCallAsync(call.Id, again.Lease, Now.AddMinutes(5), "failed", countAttempt: true, None);

        Assert.Equal((LeasedWrite.LeaseLost, LeasedWrite.Stored), (stale, current));
        var stored = await Calls.GetCallAsync(fn.Id, call.Id, None);
        Assert.Equal((CallStates.Queued, 2, "failed", Now.AddMinutes(5)), (stored?.Status, stored?.Attempts, stored?.Error, stored?.NextAttemptAt));
    }

    [Fact]
    public async Task Complete_AfterTheNodeGaveItsCallsBack_LeaseLost()
    {
        var fn = await FnAsync();
        var call = Queued(fn, Now);
        await Calls.EnqueueCallAsync(call, Payload(), None);
        var claimed = Assert.Single(await Calls.ClaimCallsAsync("node-a", Now, Lease, 1, None));
        await Calls.RecoverNodeCallsAsync("node-a", None);

        var write = await Calls.CompleteCallAsync(claimed.Call with { Status = CallStates.Success, StatusCode = 200, CompletedAt = Now }, claimed.Lease, null, null, None);

        Assert.Equal(LeasedWrite.LeaseLost, write);
        Assert.Equal(CallStates.Queued, (await Calls.GetCallAsync(fn.Id, call.Id, None))?.Status);
    }

    [Fact]
    public async Task Complete_LeaseRanOutButNobodyClaimedTheCall_StoredWithTheAttemptsGiven()
    {
        var fn = await FnAsync();
        var call = Queued(fn, Now);
        await Calls.EnqueueCallAsync(call, Payload(), None);
        var claimed = Assert.Single(await Calls.ClaimCallsAsync("node-a", Now, Lease, 1, None));

        // Stored long after the lease ended: no other claim ran the call, so this end is still the only one.
        var ended = claimed.Call with { Status = CallStates.Timeout, StatusCode = 504, CompletedAt = Now.AddHours(1), Attempts = 0, DeadLetter = true };
        var write = await Calls.CompleteCallAsync(ended, claimed.Lease, null, null, None);

        Assert.Equal(LeasedWrite.Stored, write);
        Assert.Equal(ended, await Calls.GetCallAsync(fn.Id, call.Id, None));
    }

    [Fact]
    public async Task Redrive_NotADeadLetter_Conflict()
    {
        var fn = await FnAsync();
        var queued = Queued(fn, Now);
        var ended = Ended(fn, CallStates.Error, Now);
        await Calls.EnqueueCallAsync(queued, Payload(), None);
        await Calls.InsertCallRecordsAsync([ended], [], None);

        var onQueued = await Assert.ThrowsAsync<ApiException>(() => Calls.RedriveCallAsync(fn.Id, queued.Id, Now, None));
        var onEnded = await Assert.ThrowsAsync<ApiException>(() => Calls.RedriveCallAsync(fn.Id, ended.Id, Now, None));

        Assert.Equal((ApiErrors.CallNotDeadLetter, ApiErrors.CallNotDeadLetter), (onQueued.Error, onEnded.Error));
        Assert.Equal(409, ApiErrors.CallNotDeadLetter.Status);
        Assert.Equal(queued, await Calls.GetCallAsync(fn.Id, queued.Id, None));
    }

    [Fact]
    public async Task Redrive_UnknownCallOrOtherFns_Null()
    {
        var fn = await FnAsync();
        var other = await FnAsync();
        var dead = Ended(fn, CallStates.Error, Now) with { DeadLetter = true };
        await Calls.InsertCallRecordsAsync([dead], [], None);

        Assert.Null(await Calls.RedriveCallAsync(fn.Id, "unknown", Now, None));
        Assert.Null(await Calls.RedriveCallAsync(other.Id, dead.Id, Now, None));
        Assert.True((await Calls.GetCallAsync(fn.Id, dead.Id, None))?.DeadLetter);
    }

    [Fact]
    public async Task Requeue_AttemptCounted_QueuedWithErrorUntilNextAttempt()
    {
        var fn = await FnAsync();
        var call = Queued(fn, Now);
        await Calls.EnqueueCallAsync(call, Payload(), None);
        var claimed = Assert.Single(await Calls.ClaimCallsAsync("node-a", Now, Lease, 1, None));

        Assert.Equal(LeasedWrite.Stored, await Calls.RequeueCallAsync(call.Id, claimed.Lease, Now.AddSeconds(10), "function failed", countAttempt: true, None));

        var requeued = await Calls.GetCallAsync(fn.Id, call.Id, None);
        Assert.Equal((CallStates.Queued, 1, "function failed", Now.AddSeconds(10)), (requeued?.Status, requeued?.Attempts, requeued?.Error, requeued?.NextAttemptAt));
        Assert.Equal(0, await Calls.RecoverNodeCallsAsync("node-a", None));
        Assert.Empty(await Calls.ClaimCallsAsync("node-a", Now.AddSeconds(9), Lease, 10, None));
        Assert.Equal(2, Assert.Single(await Calls.ClaimCallsAsync("node-a", Now.AddSeconds(10), Lease, 10, None)).Call.Attempts);
    }

    [Fact]
    public async Task Requeue_AttemptNotCounted_ClaimsAttemptUndone()
    {
        var fn = await FnAsync();
        var call = Queued(fn, Now);
        await Calls.EnqueueCallAsync(call, Payload(), None);
        var claimed = Assert.Single(await Calls.ClaimCallsAsync("node-a", Now, Lease, 1, None));

        var first = await Calls.RequeueCallAsync(call.Id, claimed.Lease, Now, null, countAttempt: false, None);
        var second = await Calls.RequeueCallAsync(call.Id, claimed.Lease, Now, null, countAttempt: false, None);

        Assert.Equal((LeasedWrite.Stored, LeasedWrite.LeaseLost), (first, second));

        var requeued = await Calls.GetCallAsync(fn.Id, call.Id, None);
        Assert.Equal((CallStates.Queued, 0, (string?)null), (requeued?.Status, requeued?.Attempts, requeued?.Error));
        Assert.Equal(1, Assert.Single(await Calls.ClaimCallsAsync("node-b", Now, Lease, 10, None)).Call.Attempts);
    }

    [Fact]
    public async Task InsertCallRecords_StartKindPhasesAndTimeline_RoundTripInOrder()
    {
        var fn = await FnAsync();
        var cold = Ended(fn, CallStates.Success, Now) with
        {
            StartKind = CallStartKinds.Cold,
            StartPhasesMs = new Dictionary<string, long> { ["create"] = 120, ["start"] = 80, ["ready"] = 35 },
            TimelineMs = new Dictionary<string, long> { ["waiting"] = 2, ["starting"] = 235, ["running"] = 40 },
        };
        var warm = Ended(fn, CallStates.Success, Now.AddSeconds(1)) with { StartKind = CallStartKinds.Warm, TimelineMs = new Dictionary<string, long> { ["waiting"] = 0, ["running"] = 3 } };

        await Calls.InsertCallRecordsAsync([cold, warm], [], None);

        var storedCold = await Calls.GetCallAsync(fn.Id, cold.Id, None);
        Assert.Equal("cold", storedCold?.StartKind);
        Assert.Equal(cold.StartPhasesMs, storedCold?.StartPhasesMs);
        Assert.Equal(["create", "start", "ready"], storedCold?.StartPhasesMs?.Keys);
        Assert.Equal(["waiting", "starting", "running"], storedCold?.TimelineMs?.Keys);
        Assert.Equal(cold.TimelineMs, storedCold?.TimelineMs);
        var storedWarm = await Calls.GetCallAsync(fn.Id, warm.Id, None);
        Assert.Equal(("warm", (IReadOnlyDictionary<string, long>?)null), (storedWarm?.StartKind, storedWarm?.StartPhasesMs));
        var old = Ended(fn, CallStates.Success, Now.AddSeconds(2));
        await Calls.InsertCallRecordsAsync([old], [], None);
        var storedOld = await Calls.GetCallAsync(fn.Id, old.Id, None);
        Assert.Equal(((string?)null, (IReadOnlyDictionary<string, long>?)null), (storedOld?.StartKind, storedOld?.TimelineMs));
    }

    [Fact]
    public async Task Complete_StartKindAndPhases_Stored()
    {
        var fn = await FnAsync();
        var call = Queued(fn, Now.AddSeconds(-1));
        await Calls.EnqueueCallAsync(call, Payload(), None);
        var claimed = Assert.Single(await Calls.ClaimCallsAsync("node-a", Now, Lease, 1, None));

        await Calls.CompleteCallAsync(
            claimed.Call with
            {
                Status = CallStates.Success,
                StatusCode = 200,
                CompletedAt = Now.AddSeconds(1),
                StartKind = CallStartKinds.Prewarmed,
                StartPhasesMs = new Dictionary<string, long> { ["create"] = 1, ["start"] = 2, ["ready"] = 3 },
                TimelineMs = new Dictionary<string, long> { ["queued"] = 1000, ["waiting"] = 0, ["running"] = 10 },
            },
            claimed.Lease,
            null,
            null,
            None);

        var stored = await Calls.GetCallAsync(fn.Id, call.Id, None);
        Assert.Equal("prewarmed", stored?.StartKind);
        Assert.Equal([1L, 2L, 3L], stored?.StartPhasesMs?.Values);
        Assert.Equal(["queued", "waiting", "running"], stored?.TimelineMs?.Keys);
    }

    [Fact]
    public async Task InsertCallRecords_SameIdAgain_FirstKeptOthersAdded()
    {
        var fn = await FnAsync();
        var first = Ended(fn, CallStates.Success, Now);
        var second = Ended(fn, CallStates.Error, Now.AddSeconds(1)) with { StatusCode = 502, Error = "function failed" };

        await Calls.InsertCallRecordsAsync([first], [new CallLog(first.Id, fn.Id, "first\n")], None);
        await Calls.InsertCallRecordsAsync(
            [first with { Status = CallStates.Cancelled }, second],
            [new CallLog(first.Id, fn.Id, "changed\n"), new CallLog(second.Id, fn.Id, "")],
            None);

        Assert.Equal(first, await Calls.GetCallAsync(fn.Id, first.Id, None));
        Assert.Equal(second, await Calls.GetCallAsync(fn.Id, second.Id, None));
        Assert.Equal("first\n", (await Calls.GetCallLogAsync(fn.Id, first.Id, None))?.Text);
        Assert.Equal("", (await Calls.GetCallLogAsync(fn.Id, second.Id, None))?.Text);
    }

    [Fact]
    public async Task InsertCallRecords_BatchOfRecordsWithAndWithoutEachField_EachStoredAsGiven()
    {
        // One statement runs the whole batch, each record with its own values: a field set in one record and absent in
        // the next (or the other way round) is stored as each record has it.
        var fn = await FnAsync();
        var full = Ended(fn, CallStates.Error, Now) with { Error = "function failed", StartKind = CallStartKinds.Cold, StartPhasesMs = new Dictionary<string, long> { ["create"] = 1, ["start"] = 2, ["ready"] = 3 } };
        var bare = Ended(fn, CallStates.Cancelled, Now.AddSeconds(1)) with { StatusCode = null, StartedAt = null, Attempts = 0, ContainerId = null, ImageDigest = null };
        var again = Ended(fn, CallStates.Success, Now.AddSeconds(2)) with { StartKind = CallStartKinds.Warm };

        await Calls.InsertCallRecordsAsync([full, bare, again], [new CallLog(full.Id, fn.Id, "full\n"), new CallLog(again.Id, fn.Id, "again\n")], None);

        var stored = new[] { await Calls.GetCallAsync(fn.Id, full.Id, None), await Calls.GetCallAsync(fn.Id, bare.Id, None), await Calls.GetCallAsync(fn.Id, again.Id, None) };
        Assert.Equal([full with { StartPhasesMs = null }, bare, again], stored.Select(c => c! with { StartPhasesMs = null }));
        Assert.Equal(full.StartPhasesMs, stored[0]?.StartPhasesMs);
        Assert.Equal(
            ("full\n", (string?)null, "again\n"),
            ((await Calls.GetCallLogAsync(fn.Id, full.Id, None))?.Text, (await Calls.GetCallLogAsync(fn.Id, bare.Id, None))?.Text, (await Calls.GetCallLogAsync(fn.Id, again.Id, None))?.Text));
    }

    [Fact]
    public async Task Logs_NulAndLoneSurrogates_StoredAsReplacementCharacterWithTheRestOfTheBatch()
    {
        var fn = await FnAsync();
        var other = Ended(fn, CallStates.Success, Now);
        var record = Ended(fn, CallStates.Success, Now.AddSeconds(1));
        var detached = Queued(fn, Now);
        await Calls.EnqueueCallAsync(detached, Payload(), None);
        var claimed = Assert.Single(await Calls.ClaimCallsAsync("node-a", Now, Lease, 1, None)).Call;

        await Calls.InsertCallRecordsAsync(
            [other, record],
            [new CallLog(other.Id, fn.Id, "fine\n"), new CallLog(record.Id, fn.Id, "a\0b\n\ud800|\udc00|\ud83c\udf89\n")],
            None);
        await Calls.CompleteCallAsync(claimed with { Status = CallStates.Success, StatusCode = 200, CompletedAt = Now }, LeaseOf(claimed), new CallLog(detached.Id, fn.Id, "\0\n"), null, None);

        Assert.Equal("fine\n", (await Calls.GetCallLogAsync(fn.Id, other.Id, None))?.Text);
        Assert.Equal("a\ufffdb\n\ufffd|\ufffd|\ud83c\udf89\n", (await Calls.GetCallLogAsync(fn.Id, record.Id, None))?.Text);
        Assert.Equal("\ufffd\n", (await Calls.GetCallLogAsync(fn.Id, detached.Id, None))?.Text);
        Assert.Equal(CallStates.Success, (await Calls.GetCallAsync(fn.Id, detached.Id, None))?.Status);
    }

    [Fact]
    public async Task InsertCallRecords_FnRemovedBeforeItsCallEnded_RecordAndLogDroppedOthersOfTheBatchStored()
    {
        // A call that ran while its fn was removed ends after the removal: its record must not bring a call of it back.
        var (gone, kept) = (await FnAsync(), await FnAsync());
        await Store.RemoveFnAsync(gone.Id, None);
        var (late, other) = (Ended(gone, CallStates.Success, Now), Ended(kept, CallStates.Success, Now));

        await Calls.InsertCallRecordsAsync([late, other], [new CallLog(late.Id, gone.Id, "x\n"), new CallLog(other.Id, kept.Id, "y\n")], None);

        Assert.Null(await Calls.GetCallAsync(gone.Id, late.Id, None));
        Assert.Equal(0, await CountRowsAsync("call_logs", late.Id));
        Assert.Equal(other, await Calls.GetCallAsync(kept.Id, other.Id, None));
        Assert.Equal("y\n", (await Calls.GetCallLogAsync(kept.Id, other.Id, None))?.Text);
    }

    [Fact]
    public async Task InsertCallRecords_AppRemovedBeforeItsCallsEnded_Dropped()
    {
        var fn = await FnAsync();
        await Store.RemoveAppAsync(fn.AppId, None);
        var late = Ended(fn, CallStates.Success, Now);

        await Calls.InsertCallRecordsAsync([late], [new CallLog(late.Id, fn.Id, "x\n")], None);

        Assert.Null(await Calls.GetCallAsync(fn.Id, late.Id, None));
        Assert.Equal(0, await CountRowsAsync("call_logs", late.Id));
    }

    [Fact]
    public async Task GetCallAndLog_OtherFnOrUnknown_Null()
    {
        var fn = await FnAsync();
        var other = await FnAsync();
        var record = Ended(fn, CallStates.Success, Now);
        await Calls.InsertCallRecordsAsync([record], [new CallLog(record.Id, fn.Id, "x\n")], None);

        Assert.Null(await Calls.GetCallAsync(other.Id, record.Id, None));
        Assert.Null(await Calls.GetCallLogAsync(other.Id, record.Id, None));
        Assert.Null(await Calls.GetCallAsync(fn.Id, "unknown", None));
        Assert.Null(await Calls.GetCallLogAsync(fn.Id, "unknown", None));
        Assert.Empty((await Calls.GetCallsAsync(new CallFilter { FnId = other.Id }, None)).Items);
    }

    [Fact]
    public async Task GetCalls_25InPagesOf10_NewestFirstNoGapNoRepeat()
    {
        var fn = await FnAsync();
        var other = await FnAsync();
        var records = Enumerable.Range(0, 25).Select(i => Ended(fn, CallStates.Success, Now.AddSeconds(i))).ToList();
        await Calls.InsertCallRecordsAsync(records.OrderBy(r => r.Id.GetHashCode(StringComparison.Ordinal)).ToList(), [], None);
        await Calls.InsertCallRecordsAsync([Ended(other, CallStates.Success, Now)], [], None);

        var pages = new List<Page<Call>>();
        var filter = new CallFilter { FnId = fn.Id, PerPage = 10 };
        do
        {
            pages.Add(await Calls.GetCallsAsync(filter, None));
            filter = filter with { BeforeId = pages[^1].Items[^1].Id };
        }
        while (pages[^1].Full);

        Assert.Equal([10, 10, 5], pages.Select(p => p.Items.Count));
        Assert.Equal(records.Select(r => r.Id).OrderDescending(StringComparer.Ordinal), pages.SelectMany(p => p.Items).Select(c => c.Id));
        Assert.Equal(records[^1], pages[0].Items[0]);
    }

    [Fact]
    public async Task GetCalls_ExactlyOnePage_FullThenEmpty()
    {
        var fn = await FnAsync();
        var records = Enumerable.Range(0, 3).Select(i => Ended(fn, CallStates.Success, Now)).ToList();
        await Calls.InsertCallRecordsAsync(records, [], None);

        var page = await Calls.GetCallsAsync(new CallFilter { FnId = fn.Id, PerPage = 3 }, None);
        var next = await Calls.GetCallsAsync(new CallFilter { FnId = fn.Id, PerPage = 3, BeforeId = page.Items[^1].Id }, None);

        Assert.Equal((3, true), (page.Items.Count, page.Full));
        Assert.Equal((0, false), (next.Items.Count, next.Full));
    }

    [Fact]
    public async Task GetCalls_Filters_OnlyMatching()
    {
        var fn = await FnAsync();
        var early = Ended(fn, CallStates.Success, Now.AddMinutes(-2));
        var atFrom = Ended(fn, CallStates.Error, Now.AddMinutes(-1));
        var dead = Ended(fn, CallStates.Error, Now) with { DeadLetter = true, Type = CallTypes.Detached };
        var atTo = Ended(fn, CallStates.Success, Now.AddMinutes(1));
        var queued = Queued(fn, Now);
        await Calls.InsertCallRecordsAsync([early, atFrom, dead, atTo], [], None);
        await Calls.EnqueueCallAsync(queued, Payload(), None);

        async Task<IEnumerable<string>> IdsAsync(CallFilter f) => (await Calls.GetCallsAsync(f, None)).Items.Select(c => c.Id);
        var all = new CallFilter { FnId = fn.Id };

        Assert.Equal([queued.Id, atTo.Id, dead.Id, atFrom.Id, early.Id], await IdsAsync(all));
        Assert.Equal([dead.Id, atFrom.Id], await IdsAsync(all with { Status = CallStates.Error }));
        Assert.Equal([queued.Id], await IdsAsync(all with { Status = CallStates.Queued }));
        Assert.Equal([dead.Id], await IdsAsync(all with { DeadLetter = true }));
        Assert.Equal([queued.Id, atTo.Id, atFrom.Id, early.Id], await IdsAsync(all with { DeadLetter = false }));
        Assert.Equal([queued.Id, dead.Id, atFrom.Id], await IdsAsync(all with { From = Now.AddMinutes(-1), To = Now.AddMinutes(1) }));
        Assert.Equal([atFrom.Id], await IdsAsync(all with { Status = CallStates.Error, DeadLetter = false, From = Now.AddMinutes(-1) }));
        Assert.Empty(await IdsAsync(all with { Status = CallStates.Running }));
    }

    [Fact]
    public async Task GetCalls_BoundsBetweenMilliseconds_ComparedWithTheExactTime()
    {
        var fn = await FnAsync();
        var call = Ended(fn, CallStates.Success, Now);
        await Calls.InsertCallRecordsAsync([call], [], None);
        var half = TimeSpan.FromTicks(TimeSpan.TicksPerMillisecond / 2);

        async Task<IEnumerable<string>> IdsAsync(DateTimeOffset? from, DateTimeOffset? to) =>
            (await Calls.GetCallsAsync(new CallFilter { FnId = fn.Id, From = from, To = to }, None)).Items.Select(c => c.Id);

        Assert.Equal([call.Id], await IdsAsync(null, Now + half));
        Assert.Empty(await IdsAsync(null, Now - half));
        Assert.Equal([call.Id], await IdsAsync(Now - half, null));
        Assert.Empty(await IdsAsync(Now + half, null));
    }

    [Fact]
    public async Task Prune_EndedBeforeCutoff_RemovedWithLogsAndPayloads()
    {
        var fn = await FnAsync();
        var oldSuccess = Ended(fn, CallStates.Success, Now.AddHours(-3)) with { CompletedAt = Now.AddHours(-2) };
        var recent = Ended(fn, CallStates.Success, Now.AddHours(-3)) with { CompletedAt = Now };
        await Calls.InsertCallRecordsAsync([oldSuccess, recent], [new CallLog(oldSuccess.Id, fn.Id, "old\n"), new CallLog(recent.Id, fn.Id, "new\n")], None);
        var oldDead = Queued(fn, Now.AddHours(-4));
        var running = Queued(fn, Now.AddHours(-3).AddSeconds(1));
        var queued = Queued(fn, Now.AddHours(-3).AddSeconds(2)) with { NextAttemptAt = Now.AddHours(1) };
        await Calls.EnqueueCallAsync(oldDead, Payload(), None);
        await Calls.EnqueueCallAsync(running, Payload(), None);
        await Calls.EnqueueCallAsync(queued, Payload(), None);
        var claimed = (await Calls.ClaimCallsAsync("node-a", Now.AddHours(-3), TimeSpan.FromDays(1), 2, None)).Select(c => c.Call).ToList();
        await Calls.CompleteCallAsync(claimed[0] with { Status = CallStates.Error, StatusCode = 502, CompletedAt = Now.AddHours(-2), DeadLetter = true }, LeaseOf(claimed[0]), new CallLog(oldDead.Id, fn.Id, "dead\n"), null, None);

        Assert.Equal(2, await Calls.PruneCallsAsync(Now.AddHours(-1), None));

        Assert.Equal([queued.Id, running.Id, recent.Id], (await Calls.GetCallsAsync(new CallFilter { FnId = fn.Id }, None)).Items.Select(c => c.Id));
        Assert.Null(await Calls.GetCallAsync(fn.Id, oldSuccess.Id, None));
        Assert.Null(await Calls.GetCallAsync(fn.Id, oldDead.Id, None));
        Assert.Equal((0L, 0L, 0L), (await CountRowsAsync("call_logs", oldSuccess.Id), await CountRowsAsync("call_logs", oldDead.Id), await CountRowsAsync("call_payloads", oldDead.Id)));
        Assert.Equal("new\n", (await Calls.GetCallLogAsync(fn.Id, recent.Id, None))?.Text);
        Assert.Equal((1L, 1L), (await CountRowsAsync("call_payloads", running.Id), await CountRowsAsync("call_payloads", queued.Id)));
        Assert.Equal(0, await Calls.PruneCallsAsync(Now.AddHours(-1), None));
    }

    [Fact]
    public async Task RemoveFn_WithCalls_CallsLogsAndPayloadsRemoved()
    {
        var fn = await FnAsync();
        var kept = await FnAsync();
        var (queued, record) = await CallsOfAsync(fn);
        var (keptQueued, keptRecord) = await CallsOfAsync(kept);

        Assert.True(await Store.RemoveFnAsync(fn.Id, None));

        await AssertGoneAsync(fn, queued, record);
        Assert.NotNull(await Calls.GetCallAsync(kept.Id, keptRecord.Id, None));
        Assert.NotNull(await Calls.GetCallLogAsync(kept.Id, keptRecord.Id, None));
        Assert.Equal([keptQueued.Id], (await Calls.ClaimCallsAsync("node-a", Now, Lease, 10, None)).Select(c => c.Call.Id));
    }

    [Fact]
    public async Task RemoveApp_WithCalls_CallsOfEveryFnRemoved()
    {
        var app = await Store.InsertAppAsync(M.App(), None);
        var one = await Store.InsertFnAsync(M.Fn(app), None);
        var two = await Store.InsertFnAsync(M.Fn(app), None);
        var kept = await FnAsync();
        var (queuedOne, recordOne) = await CallsOfAsync(one);
        var (queuedTwo, recordTwo) = await CallsOfAsync(two);
        var (keptQueued, keptRecord) = await CallsOfAsync(kept);

        Assert.True(await Store.RemoveAppAsync(app.Id, None));

        await AssertGoneAsync(one, queuedOne, recordOne);
        await AssertGoneAsync(two, queuedTwo, recordTwo);
        Assert.NotNull(await Calls.GetCallLogAsync(kept.Id, keptRecord.Id, None));
        Assert.Equal([keptQueued.Id], (await Calls.ClaimCallsAsync("node-a", Now, Lease, 10, None)).Select(c => c.Call.Id));
    }

    [Theory]
    [InlineData("a\0b")]
    [InlineData("\ud800")]
    [InlineData("x\udc00y")]
    public async Task CallLookups_KeyNoStoreCanHold_NotFoundRatherThanFailure(string key)
    {
        var fn = await FnAsync();

        Assert.Null(await Calls.GetCallAsync(key, "c", None));
        Assert.Null(await Calls.GetCallAsync(fn.Id, key, None));
        Assert.Null(await Calls.GetCallLogAsync(fn.Id, key, None));
        Assert.Null(await Calls.RedriveCallAsync(fn.Id, key, Now, None));
        Assert.Empty((await Calls.GetCallsAsync(new CallFilter { FnId = key }, None)).Items);
        Assert.Empty((await Calls.GetCallsAsync(new CallFilter { FnId = fn.Id, BeforeId = key }, None)).Items);
        Assert.Empty((await Calls.GetCallsAsync(new CallFilter { FnId = fn.Id, Status = key }, None)).Items);
        Assert.Equal(LeasedWrite.CallRemoved, await Calls.RequeueCallAsync(key, new CallLease("node-a", Now), Now, null, countAttempt: true, None));
        await Calls.ExtendLeasesAsync("node-a", [key], Now, None);
        Assert.False(await Store.RemoveFnAsync(key, None));
    }

    [Fact]
    public async Task RecordTick_SameTickEightTimesConcurrently_OneCall()
    {
        var fn = await FnAsync();
        var trigger = await Store.InsertTriggerAsync(M.Trigger(fn) with { Type = Trigger.CronType, Source = "* * * * *" }, None);
        var ticks = (ITriggerTickStore)Store;

        var stored = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => ticks.RecordTickAsync(trigger.Id, Now, Queued(fn, Now), Payload(), Now.AddHours(-1), None))));

        Assert.Equal(1, stored.Count(s => s));
        Assert.Single((await Calls.GetCallsAsync(new CallFilter { FnId = fn.Id }, None)).Items);
        Assert.Equal(new TriggerTick(Now, PreviousCallPending: true), await ticks.GetLastTickAsync(trigger.Id, None));
    }

    [Fact]
    public async Task RecordTick_OlderThanStored_Refused_SkippedTickKeepsThePendingCall()
    {
        var fn = await FnAsync();
        var trigger = await Store.InsertTriggerAsync(M.Trigger(fn) with { Type = Trigger.CronType, Source = "* * * * *" }, None);
        var ticks = (ITriggerTickStore)Store;
        Assert.Null(await ticks.GetLastTickAsync(trigger.Id, None));
        Assert.True(await ticks.RecordTickAsync(trigger.Id, Now, Queued(fn, Now), Payload(), Now.AddHours(-1), None));

        Assert.False(await ticks.RecordTickAsync(trigger.Id, Now.AddMinutes(-1), Queued(fn, Now), Payload(), Now.AddHours(-1), None));
        Assert.True(await ticks.RecordTickAsync(trigger.Id, Now.AddMinutes(1), null, null, Now.AddHours(-1), None));

        Assert.Equal(new TriggerTick(Now.AddMinutes(1), PreviousCallPending: true), await ticks.GetLastTickAsync(trigger.Id, None));
        Assert.Single((await Calls.GetCallsAsync(new CallFilter { FnId = fn.Id }, None)).Items);
    }

    [Fact]
    public async Task RecordTick_TriggerRemoved_NothingStored()
    {
        var fn = await FnAsync();
        var trigger = await Store.InsertTriggerAsync(M.Trigger(fn) with { Type = Trigger.CronType, Source = "* * * * *" }, None);
        await Store.RemoveTriggerAsync(trigger.Id, None);

        Assert.False(await ((ITriggerTickStore)Store).RecordTickAsync(trigger.Id, Now, Queued(fn, Now), Payload(), Now.AddHours(-1), None));
        Assert.Empty((await Calls.GetCallsAsync(new CallFilter { FnId = fn.Id }, None)).Items);
    }

    [Fact]
    public async Task CronTriggers_SameSourceOnTwoFnsOfOneApp_AllowedOncePerFn()
    {
        var fn = await FnAsync();
        var other = await Store.InsertFnAsync(M.Fn(await Store.GetAppByIdAsync(fn.AppId, None) ?? throw new InvalidOperationException()), None);
        var cron = M.Trigger(fn) with { Type = Trigger.CronType, Source = "0 * * * *" };
        await Store.InsertTriggerAsync(cron, None);
        await Store.InsertTriggerAsync(M.Trigger(other) with { Type = Trigger.CronType, Source = "0 * * * *" }, None);

        var error = await Assert.ThrowsAsync<ApiException>(() => Store.InsertTriggerAsync(M.Trigger(fn) with { Type = Trigger.CronType, Source = "0 * * * *" }, None));

        Assert.Equal(ApiErrors.TriggerSourceExistsOnFn, error.Error);
        Assert.Equal([cron.Id], (await ((ITriggerTickStore)Store).GetTriggersOfTypeAsync(Trigger.CronType, None)).Where(t => t.FnId == fn.Id).Select(t => t.Id));
    }

    /// <summary>The lease of <paramref name="claimed"/>, as node-a's claim stored it.</summary>
    private static CallLease LeaseOf(Call claimed, string node = "node-a") => new(node, claimed.StartedAt!.Value);

    private async Task<Fn> FnAsync()
    {
        var app = await Store.InsertAppAsync(M.App(), None);
        return await Store.InsertFnAsync(M.Fn(app), None);
    }

    /// <summary>A queued detached call, with an id that sorts after every earlier one of this test.</summary>
    private Call Queued(Fn fn, DateTimeOffset createdAt) => new()
    {
        Id = NextId(),
        AppId = fn.AppId,
        FnId = fn.Id,
        Type = CallTypes.Detached,
        Status = CallStates.Queued,
        CreatedAt = createdAt,
    };

    /// <summary>The record of an ended synchronous call.</summary>
    private Call Ended(Fn fn, string status, DateTimeOffset createdAt) => new()
    {
        Id = NextId(),
        AppId = fn.AppId,
        FnId = fn.Id,
        Type = CallTypes.Sync,
        Status = status,
        StatusCode = status == CallStates.Success ? 200 : 502,
        CreatedAt = createdAt,
        StartedAt = createdAt,
        CompletedAt = createdAt.AddMilliseconds(15),
        Attempts = 1,
        ContainerId = "container-1",
        ImageDigest = "sha256:" + new string('e', 64),
    };

    private string NextId() => $"CALL{Interlocked.Increment(ref _nextId):D22}";

    private static CallPayload Payload() => new([new("Content-Type", "text/plain")], "hello"u8.ToArray());

    /// <summary>A queued detached call and an ended record with a log, of <paramref name="fn"/>.</summary>
    private async Task<(Call Queued, Call Record)> CallsOfAsync(Fn fn)
    {
        var queued = Queued(fn, Now.AddSeconds(-1));
        var record = Ended(fn, CallStates.Success, Now);
        await Calls.EnqueueCallAsync(queued, Payload(), None);
        await Calls.InsertCallRecordsAsync([record], [new CallLog(record.Id, fn.Id, "log\n")], None);
        return (queued, record);
    }

    private async Task AssertGoneAsync(Fn fn, Call queued, Call record)
    {
        Assert.Null(await Calls.GetCallAsync(fn.Id, queued.Id, None));
        Assert.Null(await Calls.GetCallAsync(fn.Id, record.Id, None));
        Assert.Null(await Calls.GetCallLogAsync(fn.Id, record.Id, None));
        Assert.Equal((0L, 0L), (await CountRowsAsync("call_payloads", queued.Id), await CountRowsAsync("call_logs", record.Id)));
    }
}
