namespace FnSharp.Server.Hosting;

/// <summary>
/// A background service that runs <see cref="PruneAsync"/> every <see cref="Period"/> from start-up, on the
/// injected clock, removing what is older than <see cref="MaxAge"/> (off when it is zero); the base of the
/// call and audit pruners, which say what to remove and how to log it.
/// </summary>
internal abstract class PeriodicPruner(TimeProvider time) : BackgroundService
{
    private PeriodicTimer? _timer;

    /// <summary>The clock of the rounds, for the implementation's "now".</summary>
    protected TimeProvider Time { get; } = time;

    /// <summary>The time between two rounds; the first comes one period after start-up.</summary>
    protected abstract TimeSpan Period { get; }

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

    /// <inheritdoc/>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Made here, not in ExecuteAsync (which .NET 10 runs later on the thread pool): the first round is
        // due one period after start-up, whenever the loop gets to wait for it.
        if (MaxAge > TimeSpan.Zero)
        {
            _timer = new PeriodicTimer(Period, Time);
        }

        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_timer is not { } timer)
        {
            return;
        }

        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await PruneAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
