namespace FnSharp.Core.Storage;

/// <summary>
/// A store shared by several nodes that tells every node of each committed change of apps, fns and
/// triggers (PostgreSQL, by <c>LISTEN/NOTIFY</c>), so that each node drops the lookups it cached at once
/// instead of serving them until they expire, and that carries the nodes' own messages in the same
/// stream. A single-node store (SQLite) has none: its one node sees its own writes.
/// </summary>
/// <remarks>
/// Every listener receives the messages in the order their transactions committed, so a message sent
/// after a change committed reaches each listener after that change's own message.
/// </remarks>
public interface IStoreChangeFeed
{
    /// <summary>
    /// Subscribes to the messages and reports them until the subscription breaks or
    /// <paramref name="cancellationToken"/> ends. Messages sent before <paramref name="subscribed"/> runs are
    /// not reported (the caller must treat everything it knew as stale then), nor are those sent after it broke.
    /// </summary>
    /// <param name="subscribed">Called once the subscription is in place.</param>
    /// <param name="notified">
    /// Called for each message, in commit order, one at a time: for a change, the table changed (<c>apps</c>,
    /// <c>fns</c> or <c>triggers</c>); otherwise what a node sent with <see cref="NotifyAsync"/>.
    /// </param>
    /// <param name="cancellationToken">Ends the subscription.</param>
    /// <returns>Never completes normally: it ends by throwing, <see cref="OperationCanceledException"/> when cancelled.</returns>
    /// <exception cref="System.Data.Common.DbException">The connection failed or broke; subscribe again after a pause.</exception>
    Task ListenAsync(Action subscribed, Action<string> notified, CancellationToken cancellationToken);

    /// <summary>Sends <paramref name="message"/> to every subscriber, after every change committed before it.</summary>
    /// <param name="message">At most 7000 bytes of UTF-8; not a table's name.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    Task NotifyAsync(string message, CancellationToken cancellationToken);
}
