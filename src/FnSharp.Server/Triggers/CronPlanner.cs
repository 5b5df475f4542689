using FnSharp.Core.Models;
using FnSharp.Core.Scheduling;
using FnSharp.Core.Storage;

namespace FnSharp.Server.Triggers;

/// <summary>
/// The pure rule of cron triggers (<c>docs/api.md</c>, "Cron triggers"): which tick, if any, a trigger
/// stores at a given time. Ticks count from the later of the trigger's latest stored tick and its last
/// change (<see cref="Resource.UpdatedAt"/>: a new, changed or resumed trigger does not run ticks from
/// before it), so a tick is never run twice and the ticks missed while no node ran collapse into one
/// catch-up call, the latest of them; then the schedule resumes.
/// </summary>
internal static class CronPlanner
{
    /// <summary>The tick <paramref name="trigger"/> stores at <paramref name="now"/>, or <see langword="null"/> when none is due or it is paused.</summary>
    /// <param name="trigger">A cron trigger.</param>
    /// <param name="schedule">Its schedule.</param>
    /// <param name="last">Its latest stored tick, <see langword="null"/> before the first.</param>
    /// <param name="now">The current time.</param>
    public static CronPlan? Plan(Trigger trigger, CronSchedule schedule, TriggerTick? last, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        ArgumentNullException.ThrowIfNull(schedule);
        if (FnSharpAnnotations.PausedOf(trigger.Annotations) is not false)
        {
            return null;
        }

        var from = last is { } tick && tick.TickAt > trigger.UpdatedAt ? tick.TickAt : trigger.UpdatedAt;
        if (schedule.LatestDue(from, now) is not { } due)
        {
            return null;
        }

        var catchUp = schedule.Next(from) != due;
        var skip = last is { PreviousCallPending: true } && FnSharpAnnotations.SkipOverlapOf(trigger.Annotations) is true;
        return new CronPlan(due, catchUp, skip);
    }
}
