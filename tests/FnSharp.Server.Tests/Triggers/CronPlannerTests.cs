using System.Text.Json;
using FnSharp.Core.Models;
using FnSharp.Core.Scheduling;
using FnSharp.Core.Storage;
using FnSharp.Server.Triggers;
using FnSharp.Testing;

namespace FnSharp.Server.Tests.Triggers;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class CronPlannerTests
{
    private static readonly DateTimeOffset Created = new(2026, 12, 4, 12, 0, 0, 250, TimeSpan.Zero);
    private static readonly CronSchedule EveryMinute = CronSchedule.TryParse("* * * * *", null, out _)!;

    [Fact]
    public void Plan_BeforeFirstTick_Nothing()
    {
        Assert.Null(CronPlanner.Plan(Trigger(), EveryMinute, null, Created.AddSeconds(30)));
    }

    [Fact]
    public void Plan_FirstTick_NoCatchUp()
    {
        Assert.Equal(new CronPlan(Minute(1), CatchUp: false, Skip: false), CronPlanner.Plan(Trigger(), EveryMinute, null, Minute(1).AddMilliseconds(3)));
    }

    [Fact]
    public void Plan_TickAlreadyStored_Nothing()
    {
        Assert.Null(CronPlanner.Plan(Trigger(), EveryMinute, new TriggerTick(Minute(1), false), Minute(1).AddSeconds(59)));
    }

    [Fact]
    public void Plan_NextTickAfterStored_ThatTick()
    {
        Assert.Equal(new CronPlan(Minute(2), false, false), CronPlanner.Plan(Trigger(), EveryMinute, new TriggerTick(Minute(1), false), Minute(2)));
    }

    [Fact]
    public void Plan_AfterDowntime_OneCatchUpForTheLatestMissedTick()
    {
        // The last tick was stored at minute 1; no node ran until 10 minutes and 20 seconds later.
        var plan = CronPlanner.Plan(Trigger(), EveryMinute, new TriggerTick(Minute(1), false), Minute(10).AddSeconds(20));

        Assert.Equal(new CronPlan(Minute(10), CatchUp: true, Skip: false), plan);

        // Once it is stored, the schedule resumes at the next tick.
        Assert.Null(CronPlanner.Plan(Trigger(), EveryMinute, new TriggerTick(Minute(10), false), Minute(10).AddSeconds(59)));
        Assert.Equal(new CronPlan(Minute(11), false, false), CronPlanner.Plan(Trigger(), EveryMinute, new TriggerTick(Minute(10), false), Minute(11)));
    }

    [Fact]
    public void Plan_Paused_Nothing()
    {
        Assert.Null(CronPlanner.Plan(Trigger((FnSharpAnnotations.CronPaused, "true")), EveryMinute, null, Minute(5)));
    }

    [Fact]
    public void Plan_Resumed_NoCatchUpOfTheTicksMissedWhilePaused()
    {
        // Paused after its tick at minute 1, resumed (updated) at minute 7 and 30 seconds.
        var resumed = Trigger() with { UpdatedAt = Minute(7).AddSeconds(30) };

        Assert.Null(CronPlanner.Plan(resumed, EveryMinute, new TriggerTick(Minute(1), false), Minute(7).AddSeconds(40)));
        Assert.Equal(new CronPlan(Minute(8), false, false), CronPlanner.Plan(resumed, EveryMinute, new TriggerTick(Minute(1), false), Minute(8)));
    }

    [Fact]
    public void Plan_PreviousCallPendingByDefault_Queued()
    {
        Assert.Equal(new CronPlan(Minute(2), false, Skip: false), CronPlanner.Plan(Trigger(), EveryMinute, new TriggerTick(Minute(1), PreviousCallPending: true), Minute(2)));
    }

    [Fact]
    public void Plan_PreviousCallPendingWithOverlapSkip_Skipped()
    {
        var trigger = Trigger((FnSharpAnnotations.CronOverlap, "skip"));

        Assert.Equal(new CronPlan(Minute(2), false, Skip: true), CronPlanner.Plan(trigger, EveryMinute, new TriggerTick(Minute(1), PreviousCallPending: true), Minute(2)));
        Assert.Equal(new CronPlan(Minute(2), false, Skip: false), CronPlanner.Plan(trigger, EveryMinute, new TriggerTick(Minute(1), PreviousCallPending: false), Minute(2)));
    }

    [Fact]
    public void Plan_ZoneAcrossSpringForward_TicksAtTheEndOfTheGap()
    {
        var paris = CronSchedule.TryParse("30 2 * * *", "Europe/Paris", out _)!;
        var trigger = Trigger() with { UpdatedAt = new DateTimeOffset(2026, 3, 28, 12, 0, 0, TimeSpan.Zero) };
        var gapEnd = new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero);

        Assert.Null(CronPlanner.Plan(trigger, paris, null, gapEnd.AddTicks(-1)));
        Assert.Equal(new CronPlan(gapEnd, false, false), CronPlanner.Plan(trigger, paris, null, gapEnd));
    }

    private static DateTimeOffset Minute(int minute) => new(2026, 12, 4, 12, minute, 0, TimeSpan.Zero);

    private static Trigger Trigger(params (string Key, string Value)[] annotations) => new()
    {
        Id = "trigger",
        AppId = "app",
        FnId = "fn",
        Name = "every-minute",
        Type = Core.Models.Trigger.CronType,
        Source = "* * * * *",
        Annotations = annotations.ToDictionary(a => a.Key, a => JsonSerializer.SerializeToElement(a.Value), StringComparer.Ordinal),
        CreatedAt = Created,
        UpdatedAt = Created,
    };
}
