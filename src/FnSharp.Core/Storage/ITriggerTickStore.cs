namespace FnSharp.Core.Storage;

/// <summary>
/// The ticks of cron triggers, in the same database as the queue of detached calls, so that each tick
/// becomes at most one call whichever node (or restarted node) sees it first: a tick is stored under a
/// unique key (trigger id, tick time) in the same transaction as its call. Implemented by
/// <see cref="Sql.SqlDataStore"/> for SQLite and PostgreSQL alike.
/// </summary>
public interface ITriggerTickStore
{
    /// <summary>Every trigger of type <paramref name="type"/>, of every app, in id order.</summary>
    Task<IReadOnlyList<Trigger>> GetTriggersOfTypeAsync(string type, CancellationToken cancellationToken);

    /// <summary>The latest tick stored for <paramref name="triggerId"/>, and whether the call of the latest tick that made one is still queued or running; <see langword="null"/> before its first tick.</summary>
    Task<TriggerTick?> GetLastTickAsync(string triggerId, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the tick <paramref name="tickAt"/> of <paramref name="triggerId"/> and, in the same transaction,
    /// its detached call (<paramref name="call"/> and <paramref name="payload"/>, as
    /// <see cref="ICallStore.EnqueueCallAsync"/> stores one), or no call for a skipped tick (both
    /// <see langword="null"/>). Nothing is stored when the tick, or a later one, is stored already, or when
    /// the trigger is gone. Ticks older than <paramref name="keepAfter"/> are removed with it.
    /// </summary>
    /// <returns><see langword="true"/> when this call stored the tick; <see langword="false"/> when another (node) did, or the trigger is gone.</returns>
    Task<bool> RecordTickAsync(string triggerId, DateTimeOffset tickAt, Call? call, CallPayload? payload, DateTimeOffset keepAfter, CancellationToken cancellationToken);
}

/// <summary>The latest tick of a cron trigger.</summary>
/// <param name="TickAt">The scheduled time of its latest stored tick.</param>
/// <param name="PreviousCallPending">Whether the call of its latest tick that made a call is still queued or running.</param>
public sealed record TriggerTick(DateTimeOffset TickAt, bool PreviousCallPending);
