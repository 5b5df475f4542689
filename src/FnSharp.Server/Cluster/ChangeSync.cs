namespace FnSharp.Server.Cluster;

/// <summary>
/// Makes a change committed through this node visible to every other live node before the API answers:
/// lists the live nodes (by heartbeat), sends a sync message on the store's change feed after the change,
/// and waits until each node that is not skipped (<see cref="ChangeBarrier"/>) has acknowledged it. A node
/// acknowledges only after it has handled every message before the sync, the change's own included, so
/// once all have, the next call through any of them sees the change.
/// </summary>
/// <remarks>
/// The whole of it (the list, the send and the wait) is bounded by <see cref="Timeout"/>, and nothing in it
/// fails the write, which has committed already: a node that is slow, dead, or cut off from the feed, or a
/// store that is slow to answer, only makes this write answer after <see cref="Timeout"/>, with a warning.
/// A node that let a sync time out is not waited for again until it acknowledges one (that one late, or a later one), so a dead node
/// costs one such wait, not one per write; meanwhile it sees each change when its feed delivers it (a node
/// whose feed is down caches nothing, so serves nothing stale).
/// </remarks>
internal sealed partial class ChangeSync(ChangeBarrier barrier, ClusterOptions options, TimeProvider time, ILogger logger)
{
    /// <summary>How long a write through this node waits, at most, for the other nodes: 1 s (an acknowledgement takes about a millisecond on one host).</summary>
    public static TimeSpan Timeout { get; } = TimeSpan.FromSeconds(1);

    /// <summary>Waits, at most <see cref="Timeout"/>, until every other live node has seen the changes this node committed so far.</summary>
    /// <param name="nodes">The membership, to know which nodes are live.</param>
    /// <param name="feed">The store's change feed, to send the sync on.</param>
    /// <param name="cancellationToken">The caller's token (the request's); only it makes this throw.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task SyncAsync(INodeStore nodes, IStoreChangeFeed feed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(feed);
        using var bound = new CancellationTokenSource(Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, bound.Token);
        long? opened = null;
        var sent = false;
        try
        {
            var now = time.GetUtcNow();
            var others = (await nodes.GetNodesAsync(linked.Token))
                .Where(n => !barrier.IsSelf(n.Name) && !NodeHeartbeat.IsGone(n, now, options))
                .Select(n => n.Name)
                .ToList();
            if (others.Count == 0)
            {
                return;
            }

            // Skipped nodes are not waited for, but the sync goes to them too: their acknowledgement ends the skip.
            var (number, acknowledged) = barrier.Open([.. others.Where(n => !barrier.Skips(n))]);
            opened = number;
            await feed.NotifyAsync(barrier.SyncMessage(number), linked.Token);
            sent = true;
            await acknowledged.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            if (!sent)
            {
                LogStoreSlow(logger, (long)Timeout.TotalMilliseconds);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogSyncFailed(logger, e);
        }
        finally
        {
            // Only nodes that were sent the sync and let it pass are named and skipped.
            if (opened is { } number && barrier.Close(number) is { Count: > 0 } missing && sent)
            {
                barrier.Skip(missing);
                LogUnacknowledged(logger, string.Join(", ", missing), (long)Timeout.TotalMilliseconds);
            }
        }
    }
}
