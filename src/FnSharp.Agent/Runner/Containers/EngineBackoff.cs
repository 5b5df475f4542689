namespace FnSharp.Agent.Runner.Containers;

/// <summary>
/// Backs container starts off while the container engine does not answer. Once a start fails because
/// the engine is unreachable, later starts fail at once, without a call to the engine, until the back-off
/// ends; then one start at a time goes to the engine as a probe. Each probe that finds the engine still
/// unreachable doubles the back-off, from <see cref="First"/> to at most <see cref="Max"/>, so that starts
/// resume within about <see cref="Max"/> of the engine answering again. A start that reaches the engine,
/// whatever its outcome, ends the back-off. (An engine restart of about 2 s drove about 1,156 starts
/// without it.)
/// </summary>
/// <param name="time">The clock of the back-off.</param>
internal sealed class EngineBackoff(TimeProvider time)
{
    /// <summary>The first back-off after the engine stopped answering.</summary>
    public static readonly TimeSpan First = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest back-off between probes of an engine that does not answer.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private TimeSpan _delay;
    private DateTimeOffset _retryAt;
    private DateTimeOffset _since;
    private bool _probing;

    /// <summary>What a start may do now.</summary>
    public enum Turn
    {
        /// <summary>The engine answers: start.</summary>
        Go,

        /// <summary>The engine did not answer and the back-off is over: start, as the one probe.</summary>
        Probe,

        /// <summary>The engine did not answer and the back-off runs (or another start probes): fail at once.</summary>
        Wait,
    }

    /// <summary>Whether the engine is taken to be unreachable now.</summary>
    public bool IsBackingOff
    {
        get
        {
            lock (_lock)
            {
                return _delay > TimeSpan.Zero;
            }
        }
    }

    /// <summary>Takes a start's turn; a <see cref="Turn.Probe"/> must be ended by <see cref="Reached"/>, <see cref="Unreachable"/> or <see cref="Abandon"/>.</summary>
    public Turn Begin()
    {
        lock (_lock)
        {
            if (_delay == TimeSpan.Zero)
            {
                return Turn.Go;
            }

            if (_probing || time.GetUtcNow() < _retryAt)
            {
                return Turn.Wait;
            }

            _probing = true;
            return Turn.Probe;
        }
    }

    /// <summary>A start found the engine unreachable.</summary>
    /// <param name="turn">The start's turn.</param>
    /// <returns>The back-off that begins now, when this start is the one that found the engine gone (for the log line); else <see langword="null"/>.</returns>
    public TimeSpan? Unreachable(Turn turn)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (_delay == TimeSpan.Zero)
            {
                _delay = First;
                _since = now;
                _retryAt = now + _delay;
                return _delay;
            }

            if (turn == Turn.Probe)
            {
                _probing = false;
                _delay = TimeSpan.FromTicks(Math.Min(_delay.Ticks * 2, Max.Ticks));
                _retryAt = now + _delay;
            }

            return null;
        }
    }

    /// <summary>A start reached the engine (it started, or failed for a reason of its own).</summary>
    /// <returns>How long the engine was unreachable, when this start ends a back-off (for the log line); else <see langword="null"/>.</returns>
    public TimeSpan? Reached()
    {
        lock (_lock)
        {
            if (_delay == TimeSpan.Zero)
            {
                return null;
            }

            _delay = TimeSpan.Zero;
            _probing = false;
            return time.GetUtcNow() - _since;
        }
    }

    /// <summary>A start that took its turn did not go to the engine after all (no memory, or the runner stops).</summary>
    public void Abandon(Turn turn)
    {
        if (turn != Turn.Probe)
        {
            return;
        }

        lock (_lock)
        {
            _probing = false;
        }
    }
}
