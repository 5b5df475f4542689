using FnSharp.Agent.Runner.Queue;
using FnSharp.Testing;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Agent.Tests.Runner.Queue;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class ThroughputFeedbackTests
{
    private const double Saturated = 0.95;

    private readonly FakeTimeProvider _clock = new();
    private readonly ThroughputFeedback _feedback;

    public ThroughputFeedbackTests()
    {
        _feedback = new ThroughputFeedback(_clock);
    }

    [Fact]
    public void Allowed_NodeNotSaturatedAndNoCallMeasuredYet_NoBound()
    {
        // A slow fn's first calls have not ended: the start-time rule grows it from the age of its running calls.
        Assert.Null(_feedback.Allowed(1, 0, 0.5, mostlyWaits: false, callMs: null, oldestCallMs: 0, out _));
        Assert.Null(_feedback.Allowed(1, 0, null, mostlyWaits: false, callMs: null, oldestCallMs: 0, out _));
    }

    [Fact]
    public void Allowed_SaturatedAndTheFirstCallRunsLongerThanAWindow_NoBound()
    {
        // A fn of 10 s calls whose first call has not ended: the start-time rule grows it, whatever the CPUs read.
        Assert.Equal(0, _feedback.Allowed(1, 0, Saturated, mostlyWaits: false, callMs: null, oldestCallMs: 1000, out _));
        Assert.Null(_feedback.Allowed(1, 0, Saturated, mostlyWaits: false, callMs: null, oldestCallMs: 1001, out _));
    }

    [Fact]
    public void Allowed_FnThatMostlyWaitsOnNodeNotSaturated_NoBound()
    {
        Serve(containers: 1, callsPerSecond: 100, TimeSpan.FromSeconds(1));

        Assert.Null(_feedback.Allowed(1, 0, 0.5, mostlyWaits: true, callMs: 200, oldestCallMs: 0, out _));
        Assert.Null(_feedback.Allowed(1, 0, null, mostlyWaits: true, callMs: 200, oldestCallMs: 0, out _));
    }

    [Theory]
    [InlineData(0.7)]
    [InlineData(1.0)]
    [InlineData(null)]
    public void Allowed_AddedContainerRaisedNoRate_HeldWhateverTheNodesCpusRead(double? nodeBusy)
    {
        // A fast fn bound by something other than its CPUs' reading (the platform's forwarding on a quiet node, say).
        Serve(containers: 1, callsPerSecond: 1000, TimeSpan.FromSeconds(1));
        Assert.Equal(0, Allowed(containers: 1, starting: 1, nodeBusy));
        Assert.Equal(1, Allowed(containers: 1, starting: 0, nodeBusy));
        Serve(containers: 2, callsPerSecond: 2000, TimeSpan.FromSeconds(1));
        Assert.Equal(2, Allowed(containers: 2, starting: 0, nodeBusy));
        Serve(containers: 4, callsPerSecond: 2050, TimeSpan.FromSeconds(1));

        Assert.Equal(0, _feedback.Allowed(4, 0, nodeBusy, mostlyWaits: false, callMs: 2, oldestCallMs: 0, out var held));
        Assert.Equal((4, 2, nodeBusy), (held!.Containers, held.HeldAt, held.NodeBusy));
        Assert.Equal(2, _feedback.HeldAt);
        Assert.True(_feedback.Surplus(3));
        Assert.Equal(0, Allowed(containers: 2, starting: 0, nodeBusy));
    }

    [Fact]
    public void Allowed_NodeNotSaturatedAndACallRunsLongerThanAWindow_NoBound()
    {
        Serve(containers: 1, callsPerSecond: 100, TimeSpan.FromMilliseconds(900));

        Assert.Null(_feedback.Allowed(1, 0, 0.5, mostlyWaits: false, callMs: 10, oldestCallMs: 1001, out _));
        Assert.Equal(0, _feedback.Allowed(1, 0, 0.5, mostlyWaits: false, callMs: 10, oldestCallMs: 1000, out _));
    }

    [Fact]
    public void Allowed_NodeNotSaturatedBeforeTheContainersAreMeasured_NoMore()
    {
        Serve(containers: 1, callsPerSecond: 100, TimeSpan.FromMilliseconds(900));

        Assert.Equal(0, Allowed(containers: 1, nodeBusy: 0.5));
    }

    [Fact]
    public void Allowed_SaturatedBeforeTheContainersAreMeasured_NoMore()
    {
        Serve(containers: 1, callsPerSecond: 100, TimeSpan.FromMilliseconds(900));

        Assert.Equal(0, Allowed(containers: 1));
    }

    [Fact]
    public void Allowed_SaturatedAndMeasuredOnce_OneMore()
    {
        Serve(containers: 1, callsPerSecond: 100, TimeSpan.FromSeconds(1));

        Assert.Equal(1, Allowed(containers: 1));
    }

    [Fact]
    public void Allowed_WhileAContainerStarts_NoMore()
    {
        Serve(containers: 1, callsPerSecond: 100, TimeSpan.FromSeconds(1));

        Assert.Equal(0, Allowed(containers: 1, starting: 1));
    }

    [Fact]
    public void Allowed_TooFewCallsPerContainerInTheWindow_NoMore()
    {
        // 2 calls a second on 2 containers: fewer than 4 calls each in the window.
        Serve(containers: 2, callsPerSecond: 2, TimeSpan.FromSeconds(3));

        Assert.Equal(0, Allowed(containers: 2));
    }

    [Fact]
    public void Allowed_AddedContainerRaisedNoRate_HeldAtTheContainersBeforeAndTheSurplusLetGo()
    {
        // CPU-bound on saturated CPUs: two containers complete what one did.
        var held = GrowToTwoAndHold(onOne: 100, onTwo: 105);

        Assert.Equal((2, 1), (held.Containers, held.HeldAt));
        Assert.InRange(held.Rate / held.BeforeRate, 1.0, 1.1);
        Assert.Equal(1, _feedback.HeldAt);
        Assert.True(_feedback.Surplus(2));
        Assert.False(_feedback.Surplus(1));
        Assert.Equal(0, Allowed(containers: 1));
    }

    [Fact]
    public void Allowed_HoldOver_MeasuresAndProbesOneMoreAgain()
    {
        Serve(containers: 1, callsPerSecond: 100, TimeSpan.FromSeconds(1));
        Allowed(containers: 1);
        Serve(containers: 2, callsPerSecond: 100, TimeSpan.FromSeconds(1));
        Allowed(containers: 2);

        Serve(containers: 1, callsPerSecond: 100, ThroughputFeedback.Hold);

        Assert.Null(_feedback.HeldAt);
        Assert.Equal(1, Allowed(containers: 1));
    }

    [Fact]
    public void Allowed_EachContainerAddsItsShare_StepsDouble()
    {
        Serve(containers: 1, callsPerSecond: 5, TimeSpan.FromSeconds(1));
        Assert.Equal(1, Allowed(containers: 1));
        Serve(containers: 2, callsPerSecond: 10, TimeSpan.FromSeconds(1));
        Assert.Equal(2, Allowed(containers: 2));
        Serve(containers: 4, callsPerSecond: 20, TimeSpan.FromSeconds(1));
        Assert.Equal(4, Allowed(containers: 4));
        Serve(containers: 8, callsPerSecond: 40, TimeSpan.FromSeconds(1));
        Assert.Equal(8, Allowed(containers: 8));
        Assert.Null(_feedback.HeldAt);
    }

    [Fact]
    public void Allowed_HeldAgainRightAfterAHold_EachHoldInARowTwiceAsLongUpToTheLongest()
    {
        Serve(containers: 1, callsPerSecond: 100, TimeSpan.FromSeconds(1));
        Allowed(containers: 1);
        var lengths = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            // The probe of one more container serves no more: held at one again.
            Serve(containers: 2, callsPerSecond: 100, TimeSpan.FromSeconds(1));
            Assert.Equal(0, Allowed(containers: 2, out var held));
            lengths.Add(held!.For);
            Serve(containers: 1, callsPerSecond: 100, held.For);
            Assert.Null(_feedback.HeldAt);
            Assert.Equal(1, Allowed(containers: 1));
        }

        Assert.Equal([30, 60, 120, 240, 240], lengths.Select(l => l.TotalSeconds));
        Assert.Equal(ThroughputFeedback.MaxHold, lengths[^1]);
    }

    [Fact]
    public void Allowed_AGrowthRaisedTheRateBetweenHolds_TheNextHoldIsTheFirstAgain()
    {
        HeldAtOneThroughItsHold();
        Allowed(containers: 1);

        // Demand rose: the probe's container now adds its share, and the next two add nothing.
        Serve(containers: 2, callsPerSecond: 200, TimeSpan.FromSeconds(1));
        Assert.Equal(2, Allowed(containers: 2));
        Serve(containers: 4, callsPerSecond: 200, TimeSpan.FromSeconds(1));
        Allowed(containers: 4, out var second);

        Assert.Equal((2, ThroughputFeedback.Hold), (second!.HeldAt, second.For));
    }

    [Fact]
    public void Allowed_AContainerWentIdleBetweenHolds_TheNextHoldIsTheFirstAgain()
    {
        HeldAtOneThroughItsHold();
        _feedback.WentIdle(1);
        Serve(containers: 1, callsPerSecond: 100, TimeSpan.FromSeconds(1));
        Assert.Equal(1, Allowed(containers: 1));

        Serve(containers: 2, callsPerSecond: 100, TimeSpan.FromSeconds(1));
        Allowed(containers: 2, out var second);

        Assert.Equal(ThroughputFeedback.Hold, second!.For);
    }

    [Fact]
    public void Allowed_AddedContainersRaisedTheRateLessThanHalfTheirShare_OneMoreAtATime()
    {
        Serve(containers: 2, callsPerSecond: 100, TimeSpan.FromSeconds(1));
        Assert.Equal(1, Allowed(containers: 2));

        // Ideal 150; 120 is a gain of 40% of it.
        Serve(containers: 3, callsPerSecond: 120, TimeSpan.FromSeconds(1));

        Assert.Equal(1, Allowed(containers: 3));
    }

    [Fact]
    public void Allowed_FnThatMostlyWaits_NoBound()
    {
        Serve(containers: 1, callsPerSecond: 100, TimeSpan.FromSeconds(1));

        Assert.Null(_feedback.Allowed(1, 0, Saturated, mostlyWaits: true, callMs: 10, oldestCallMs: 0, out _));
    }

    [Fact]
    public void Allowed_FnThatMostlyWaitsWhileItsContainersStart_NoBound()
    {
        Serve(containers: 1, callsPerSecond: 5, TimeSpan.FromSeconds(1));

        Assert.Null(Waiting(containers: 1, starting: 8));
    }

    [Fact]
    public void Allowed_FnThatMostlyWaitsAndEachContainerAddsItsShare_NeverHeld()
    {
        Serve(containers: 1, callsPerSecond: 5, TimeSpan.FromSeconds(1));
        Assert.Null(Waiting(containers: 1, starting: 8));
        Serve(containers: 9, callsPerSecond: 45, TimeSpan.FromSeconds(1));
        Assert.Null(Waiting(containers: 9, starting: 8));
        Serve(containers: 17, callsPerSecond: 85, TimeSpan.FromSeconds(1));

        Assert.Null(Waiting(containers: 17, starting: 0));
        Assert.Null(_feedback.HeldAt);
    }

    [Fact]
    public void Allowed_FnThatLookedWaitingWhoseGrowthServedNoMore_HeldAtTheContainersBefore()
    {
        // A fast fn whose calls waited for the saturated CPUs: its CPU share looks small, but 9 containers serve what 1 did.
        Serve(containers: 1, callsPerSecond: 100, TimeSpan.FromSeconds(1));
        Assert.Null(Waiting(containers: 1, starting: 8));
        Serve(containers: 9, callsPerSecond: 110, TimeSpan.FromSeconds(1));

        Assert.Equal(0, _feedback.Allowed(9, 0, Saturated, mostlyWaits: true, callMs: 10, oldestCallMs: 0, out var held));
        Assert.Equal((9, 1), (held!.Containers, held.HeldAt));
        Assert.True(_feedback.Surplus(9));
        Assert.Equal(0, Waiting(containers: 1, starting: 0));
    }

    [Fact]
    public void Allowed_CallsTooLongToMeasureInAWindow_NoBound()
    {
        Assert.Null(_feedback.Allowed(1, 0, Saturated, mostlyWaits: false, callMs: 400, oldestCallMs: 0, out _));
    }

    [Fact]
    public void Allowed_AddedContainerRaisedTheRateALittle_HeldAtTheContainersItHasNoneLetGo()
    {
        // A run's figures: a Node fn at 256 connections on saturated CPUs, 1,880 calls/s on 1 container and 2,260 on 2.
        var held = GrowToTwoAndHold(onOne: 1880, onTwo: 2260);

        Assert.Equal((2, 1, 2), (held.Containers, held.Before, held.HeldAt));
        Assert.Equal(2, _feedback.HeldAt);
        Assert.False(_feedback.Surplus(2));
        Assert.Equal(0, Allowed(containers: 2));
    }

    [Fact]
    public void Allowed_AddedContainerRaisedAFewCallsPerSecondByOneOrTwoCalls_HeldAtTheContainersBefore()
    {
        // 20% more, but 2 calls more of 12 counted: within the count's noise.
        var held = GrowToTwoAndHold(onOne: 10, onTwo: 12);

        Assert.Equal(1, held.HeldAt);
        Assert.True(_feedback.Surplus(2));
    }

    [Fact]
    public void Allowed_AContainerWentIdle_ThePeriodMeasuresDemandAndStartsAgain()
    {
        Serve(containers: 2, callsPerSecond: 100, TimeSpan.FromSeconds(1));
        _feedback.WentIdle(2);

        Assert.Equal(0, Allowed(containers: 2));
        Serve(containers: 2, callsPerSecond: 100, TimeSpan.FromSeconds(1));
        Assert.Equal(1, Allowed(containers: 2));
    }

    [Fact]
    public void Allowed_ACallTookTheIdleContainer_ThePeriodStartsThenNotWhenItWentIdle()
    {
        // Idle half a second before the load came: measured from then, one container's 100 calls/s read 67, and two
        // containers' 90 looked like a gain worth one more.
        _feedback.WentIdle(1);
        _clock.Advance(TimeSpan.FromMilliseconds(500));
        _feedback.TookIdle(1);
        Serve(containers: 1, callsPerSecond: 100, TimeSpan.FromSeconds(1));
        Assert.Equal(1, Allowed(containers: 1));
        Serve(containers: 2, callsPerSecond: 90, TimeSpan.FromSeconds(1));

        Assert.Equal(0, Allowed(containers: 2, out var held));
        Assert.Equal(1, held!.HeldAt);
        Assert.InRange(held.BeforeRate, 99, 102);
    }

    /// <summary>One container serves 100 calls/s and a second adds none: the fn is held at one; the clock then passes its hold, one container serving.</summary>
    private void HeldAtOneThroughItsHold()
    {
        var held = GrowToTwoAndHold(onOne: 100, onTwo: 100);
        Serve(containers: 1, callsPerSecond: 100, held.For);
    }

    /// <summary>
    /// One container serves <paramref name="onOne"/> calls/s for a second and the fn may add one; two then serve
    /// <paramref name="onTwo"/> and the fn is held: returns the hold.
    /// </summary>
    private ThroughputHold GrowToTwoAndHold(double onOne, double onTwo)
    {
        Serve(containers: 1, callsPerSecond: onOne, TimeSpan.FromSeconds(1));
        Assert.Equal(1, Allowed(containers: 1));
        Serve(containers: 2, callsPerSecond: onTwo, TimeSpan.FromSeconds(1));
        Assert.Equal(0, Allowed(containers: 2, out var held));
        return held!;
    }

    /// <summary>Completes calls on <paramref name="containers"/> at <paramref name="callsPerSecond"/> for <paramref name="duration"/> of the fake clock.</summary>
    private void Serve(int containers, double callsPerSecond, TimeSpan duration)
    {
        var calls = (int)Math.Round(callsPerSecond * duration.TotalSeconds);
        var start = _clock.GetUtcNow();

        // The first completion opens the period of this number of containers; the calls after it are measured.
        _feedback.Completed(containers);
        for (var i = 1; i <= calls; i++)
        {
            _clock.SetUtcNow(start + (duration * i / calls));
            _feedback.Completed(containers);
        }
    }

    private int? Allowed(int containers, int starting = 0, double? nodeBusy = Saturated) =>
        _feedback.Allowed(containers, starting, nodeBusy, mostlyWaits: false, callMs: 5, oldestCallMs: 0, out _);

    private int? Waiting(int containers, int starting) =>
        _feedback.Allowed(containers, starting, Saturated, mostlyWaits: true, callMs: 200, oldestCallMs: 0, out _);

    private int? Allowed(int containers, out ThroughputHold? held) =>
        _feedback.Allowed(containers, 0, Saturated, mostlyWaits: false, callMs: 5, oldestCallMs: 0, out held);
}
