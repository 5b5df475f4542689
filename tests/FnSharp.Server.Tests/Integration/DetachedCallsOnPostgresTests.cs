using FnSharp.Core.Models;
using FnSharp.Server.Detached;
using FnSharp.Server.Tests.Calls;
using FnSharp.Server.Tests.Detached;
using FnSharp.Testing;
using FnSharp.Testing.Storage;

namespace FnSharp.Server.Tests.Integration;

/// <summary>
/// Two nodes on one real PostgreSQL (<c>FN_DB_URL=postgres://...</c>): a detached call accepted by one
/// node is run by another, and a call leased to a node that died is run again once its lease ends.
/// Fake containers and fake clocks; the queue is the real one.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class DetachedCallsOnPostgresTests : IAsyncLifetime
{
    // Node A accepts calls but runs none (its worker is off); node B runs them.
    private readonly DetachedCallHarness _a = new(new() { ["FN_ASYNC_MAX_CONCURRENT"] = "0" });
    private readonly DetachedCallHarness _b = new();
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
    public async Task CallAcceptedByOneNode_RunByAnother()
    {
        var (_, fnId) = await _a.CreateFnAsync("app", "fn");
        var callId = await _a.InvokeDetachedAsync(fnId);

        _b.Start();
        _b.Advance(TimeSpan.FromSeconds(1));
        var attempt = await _b.NextAttemptAsync(callId);
        var call = await _a.GetCallAsync(fnId, callId);

        Assert.Equal(DetachedSettlement.Completed, attempt.Settlement);
        Assert.Equal((CallStates.Success, 200, 1), (call.Status, call.StatusCode, call.Attempts));
        Assert.Equal((0, 1), (_a.Driver.CallCount, _b.Driver.CallCount));
    }

    [Fact]
    public async Task CallLeasedToADeadNode_RunAgainByAnotherOnceTheLeaseEnds()
    {
        var (_, fnId) = await _a.CreateFnAsync("app", "fn");
        var callId = await _a.InvokeDetachedAsync(fnId);
        var start = _b.Time.GetUtcNow();

        // A node that claimed the call and then died: its lease runs until 60 s from now.
        var claimed = await _a.Calls.ClaimCallsAsync("dead-node", _a.Time.GetUtcNow(), TimeSpan.FromSeconds(60), 10, CancellationToken.None);

        _b.Start();
        _b.Advance(TimeSpan.FromSeconds(30));
        var leased = await _a.GetCallAsync(fnId, callId);
        _b.Advance(TimeSpan.FromSeconds(31));
        var attempt = await _b.NextAttemptAsync(callId);
        var call = await _a.GetCallAsync(fnId, callId);

        Assert.Equal(callId, Assert.Single(claimed).Call.Id);
        Assert.Equal((CallStates.Running, 1), (leased.Status, leased.Attempts));
        Assert.Equal(DetachedSettlement.Completed, attempt.Settlement);
        Assert.Equal((CallStates.Success, 2), (call.Status, call.Attempts));

        // Run by B only after the lease ended, not when it was woken at 30 s.
        Assert.Equal(start.AddSeconds(61), call.StartedAt);
        Assert.Equal(1, _b.Driver.CallCount);
    }
}
