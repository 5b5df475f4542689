using System.Threading.RateLimiting;

namespace FnSharp.Server.Auth;

/// <summary>
/// A token bucket on an injected <see cref="TimeProvider"/>, for ASP.NET Core's rate limiter
/// (<see cref="PartitionedRateLimiter"/> partitions, the rate limiting middleware and its 429): it holds at
/// most <c>rate</c> tokens, refills continuously at <c>rate</c> per second, never queues, and gives a refused
/// lease its <see cref="MetadataName.RetryAfter"/> and <see cref="MetadataName.ReasonPhrase"/>. The framework's
/// own <see cref="TokenBucketRateLimiter"/> reads <c>Stopwatch</c> and has no clock to inject (dotnet/runtime
/// issue 106447), so its limits could not be tested with a fake clock; this one does the same arithmetic on
/// the clock the rest of the server uses, and refills when asked rather than on a timer.
/// </summary>
internal sealed class ClockTokenBucketLimiter : ReplenishingRateLimiter
{
    private readonly int _rate;
    private readonly TimeProvider _time;
    private readonly string _reason;
    private readonly Lock _lock = new();
    private double _tokens;
    private long _refilledAt;
    private long? _fullSince;
    private long _successes;
    private long _failures;

    /// <summary>Creates a full bucket of <paramref name="ratePerSecond"/> tokens.</summary>
    /// <param name="ratePerSecond">The tokens added per second, and the most the bucket holds (at least 1).</param>
    /// <param name="time">The clock.</param>
    /// <param name="reason">The message of a refusal, for example <c>Rate limit of key X: 10 requests per second on this node</c>.</param>
    public ClockTokenBucketLimiter(int ratePerSecond, TimeProvider time, string reason)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ratePerSecond, 1);
        _rate = ratePerSecond;
        _time = time;
        _reason = reason;
        _tokens = ratePerSecond;
        _refilledAt = time.GetTimestamp();
        _fullSince = _refilledAt;
    }

    /// <inheritdoc/>
    /// <remarks>Refilled from the clock at each acquisition: nothing needs to call <see cref="TryReplenish"/>.</remarks>
    public override bool IsAutoReplenishing => true;

    /// <inheritdoc/>
    public override TimeSpan ReplenishmentPeriod => TimeSpan.FromSeconds(1.0 / _rate);

    /// <inheritdoc/>
    /// <remarks>How long the bucket has been full, so that the partitioned limiter drops an unused partition.</remarks>
    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_lock)
            {
                var now = _time.GetTimestamp();
                Refill(now);
                return _fullSince is { } since ? _time.GetElapsedTime(since, now) : null;
            }
        }
    }

    /// <inheritdoc/>
    public override bool TryReplenish() => false;

    /// <inheritdoc/>
    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_lock)
        {
            Refill(_time.GetTimestamp());
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = (long)_tokens,
                CurrentQueuedCount = 0,
                TotalSuccessfulLeases = _successes,
                TotalFailedLeases = _failures,
            };
        }
    }

    /// <inheritdoc/>
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, _rate);
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            Refill(now);
            if (_tokens >= Math.Max(permitCount, 1))
            {
                _tokens -= permitCount;
                if (permitCount > 0)
                {
                    _fullSince = null;
                }

                _successes++;
                return Lease.Acquired;
            }

            _failures++;
            var wait = TimeSpan.FromSeconds((Math.Max(permitCount, 1) - _tokens) / _rate);
            return new Lease(false, wait, _reason);
        }
    }

    /// <inheritdoc/>
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private void Refill(long now)
    {
        if (_tokens < _rate)
        {
            var added = _time.GetElapsedTime(_refilledAt, now).TotalSeconds * _rate;
            _tokens = Math.Min(_rate, _tokens + added);
            if (_tokens >= _rate)
            {
                // Full again: unused from now on (a little later than it filled, which only keeps a partition longer).
                _fullSince = now;
            }
        }

        _refilledAt = now;
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter, string? reason) : RateLimitLease
    {
        public static readonly Lease Acquired = new(true, null, null);

        private static readonly string[] Names = [MetadataName.RetryAfter.Name, MetadataName.ReasonPhrase.Name];

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => acquired ? [] : Names;

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter
                : metadataName == MetadataName.ReasonPhrase.Name ? reason
                : null;
            return metadata is not null;
        }
    }
}
