namespace FnSharp.Server.Hosting;

/// <summary>
/// A <see cref="PeriodicService"/> that removes what is older than <see cref="MaxAge"/> (off when it is zero)
/// each round; the base of the call and audit pruners, which say what to remove and how to log it.
/// </summary>
internal abstract class PeriodicPruner(TimeProvider time) : PeriodicService(time)
{
    /// <summary>
    /// The age beyond which items are removed; zero turns pruning off. Read when used, not when built: the
    /// host builds hosted services before it reports bad settings.
    /// </summary>
    protected abstract TimeSpan MaxAge { get; }

    /// <summary>Removes the items older than <paramref name="before"/> from the store.</summary>
    /// <returns>How many items were removed.</returns>
    protected abstract Task<int> RemoveOlderThanAsync(DateTimeOffset before, CancellationToken cancellationToken);

    /// <summary>Reports a round that removed <paramref name="removed"/> (at least one) items older than <paramref name="before"/>.</summary>
    protected abstract void OnPruned(int removed, DateTimeOffset before);

    /// <summary>Reports a round whose store failed; the next round tries again.</summary>
    protected abstract void OnFailed(Exception exception);

    /// <inheritdoc/>
    protected override bool Enabled => MaxAge > TimeSpan.Zero;

    /// <inheritdoc/>
    protected override Task RunRoundAsync(CancellationToken cancellationToken) => PruneAsync(cancellationToken);

    /// <summary>One round: removes the items older than now minus <see cref="MaxAge"/>; a failure of the store is reported and the next round tries again.</summary>
    /// <returns>How many items were removed (0 when the store failed).</returns>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var before = Time.GetUtcNow() - MaxAge;
        int removed;
        try
        {
            removed = await RemoveOlderThanAsync(before, cancellationToken);
        }
        catch (Exception e) when (e is not OutOfMemoryException && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            OnFailed(e);
            return 0;
        }

        if (removed > 0)
        {
            OnPruned(removed, before);
        }

        return removed;
    }
}
