using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Server.Tests.Calls;

/// <summary>
/// A fake clock that reports the time each timer started on it is due, so that a test can wait until the
/// code under test has gone to sleep, and check until when, instead of sleeping itself.
/// </summary>
internal sealed class TimerWatchingTimeProvider(FakeTimeProvider inner) : TimeProvider
{
    /// <summary>The due time of every timer created, in order. Unbounded: a test creates a handful.</summary>
    public Channel<DateTimeOffset> TimersDue { get; } = Channel.CreateUnbounded<DateTimeOffset>();

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = inner.CreateTimer(callback, state, dueTime, period);
        TimersDue.Writer.TryWrite(inner.GetUtcNow() + dueTime);
        return timer;
    }
}
