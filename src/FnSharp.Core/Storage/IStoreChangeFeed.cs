namespace FnSharp.Core.Storage;

/// <summary>
/// A store shared by several nodes that tells every node of each committed change of apps, fns and
/// triggers (PostgreSQL, by <c>LISTEN/NOTIFY</c>), so that each node drops the lookups it cached at once
/// instead of serving them until they expire. A single-node store (SQLite) has none: its one node sees
/// its own writes.
/// </summary>
public interface IStoreChangeFeed
{
    /// <summary>
    /// Subscribes to the changes and reports them until the subscription breaks or
    /// <paramref name="cancellationToken"/> ends. Changes committed before <paramref name="subscribed"/>
    /// runs are not reported (the caller must treat everything it knew as stale then), nor are those
    /// committed after it broke.
    /// </summary>
    /// <param name="subscribed">Called once the subscription is in place.</param>
    /// <param name="changed">Called for each change, with the table changed (<c>apps</c>, <c>fns</c> or <c>triggers</c>).</param>
    /// <param name="cancellationToken">Ends the subscription.</param>
    /// <returns>Never completes normally: it ends by throwing, <see cref="OperationCanceledException"/> when cancelled.</returns>
    /// <exception cref="System.Data.Common.DbException">The connection failed or broke; subscribe again after a pause.</exception>
    Task ListenAsync(Action subscribed, Action<string> changed, CancellationToken cancellationToken);
}
