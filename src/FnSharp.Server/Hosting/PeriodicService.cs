namespace FnSharp.Server.Hosting;

/// <summary>
/// A background service that runs <see cref="RunRoundAsync"/> every <see cref="Period"/> from start-up, on the
/// injected clock, while <see cref="Enabled"/>: the loop of the call and audit pruners (<see cref="PeriodicPruner"/>)
/// and of the image clean-up.
/// </summary>
internal abstract class PeriodicService(TimeProvider time) : BackgroundService
{
    private PeriodicTimer? _timer;

    /// <summary>The clock of the rounds, for the implementation's "now".</summary>
    protected TimeProvider Time { get; } = time;

    /// <summary>The time between two rounds; the first comes one period after start-up.</summary>
    protected abstract TimeSpan Period { get; }

    /// <summary>
    /// Whether the rounds run at all. Read at start, not when built: the host builds hosted services before
    /// it reports bad settings.
    /// </summary>
    protected abstract bool Enabled { get; }

    /// <summary>One round; it reports its own failures (the next round comes all the same).</summary>
    protected abstract Task RunRoundAsync(CancellationToken cancellationToken);

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
                await RunRoundAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
