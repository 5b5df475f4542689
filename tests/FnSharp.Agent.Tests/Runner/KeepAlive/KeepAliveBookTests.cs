using FnSharp.Agent.Runner.KeepAlive;
using FnSharp.Testing;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Agent.Tests.Runner.KeepAlive;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class KeepAliveBookTests
{
    private static readonly TimeSpan s_idleTimeout = TimeSpan.FromMinutes(30);
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void Windows_TenIdleTimesBetweenCalls_FromTheHistogram()
    {
        var book = new KeepAliveBook(KeepAlivePolicyKind.Hybrid, _clock);

        CallEvery(book, TimeSpan.FromMinutes(5), calls: 11);

        var windows = book.Windows("fn", s_idleTimeout, 128);
        Assert.Equal(KeepAliveBasis.Histogram, windows.Basis);
        Assert.Equal(10, windows.Samples);
    }

    [Fact]
    public void Arrived_WhileACallRuns_NoIdleTime()
    {
        var book = new KeepAliveBook(KeepAlivePolicyKind.Hybrid, _clock);
        CallEvery(book, TimeSpan.FromMinutes(5), calls: 3);

        _clock.Advance(TimeSpan.FromMinutes(1));
        book.Arrived("fn", _clock.GetTimestamp(), running: true);

        Assert.Equal(2, book.Windows("fn", s_idleTimeout, 128).Samples);
    }

    [Fact]
    public void Windows_FixedPolicy_TheIdleTimeoutAndNothingLearned()
    {
        var book = new KeepAliveBook(KeepAlivePolicyKind.Fixed, _clock);

        CallEvery(book, TimeSpan.FromMinutes(5), calls: 11);

        Assert.Equal(KeepAliveWindows.Fixed(s_idleTimeout), book.Windows("fn", s_idleTimeout, 128));
        Assert.Equal(0, book.Count);
    }

    private void CallEvery(KeepAliveBook book, TimeSpan gap, int calls)
    {
        for (var i = 0; i < calls; i++)
        {
            if (i > 0)
            {
                _clock.Advance(gap);
            }

            book.Arrived("fn", _clock.GetTimestamp(), running: false);
            book.Ended("fn", _clock.GetTimestamp());
        }
    }
}
