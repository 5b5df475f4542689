namespace FnSharp.Server.Hosting;

/// <summary>
/// A background service that runs <see cref="PruneAsync"/> every <see cref="Period"/> from start-up, on the
/// injected clock, while <see cref="Enabled"/> says so at start; the base of the call and audit pruners.
/// </summary>
internal abstract class PeriodicPruner(TimeProvider time) : BackgroundService
{
    private PeriodicTimer? _timer;

    /// <summary>The clock of the rounds, for the implementation's "now".</summary>
    protected TimeProvider Time { get; } = time;

    /// <summary>The time between two rounds; the first comes one period after start-up.</summary>
    protected abstract TimeSpan Period { get; }

    /// <summary>Whether to prune at all (read at start, after the settings are checked).</summary>
    protected abstract bool Enabled { get; }

    /// <summary>One round; a failure of the store is the implementation's to log, and the next round tries again.</summary>
    /// <returns>How many items were removed.</returns>
    public abstract Task<int> PruneAsync(CancellationToken cancellationToken);

    /// <inheritdoc/>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Made here, not in ExecuteAsync (which .NET 10 runs later on the thread pool): the first round is
        // due one period after start-up, whenever the loop gets to wait for it.
        if (Enabled)
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
