namespace FnSharp.Server.Triggers;

/// <summary>What a cron trigger does now (<see cref="CronPlanner.Plan"/>).</summary>
/// <param name="TickAt">The scheduled time of the tick to store.</param>
/// <param name="CatchUp">Whether earlier ticks were missed (the node was down): they are not run, this one stands for them.</param>
/// <param name="Skip">Whether the tick is stored without a call (<c>fnsharp.io/cron-overlap: skip</c> while the previous call is pending).</param>
internal sealed record CronPlan(DateTimeOffset TickAt, bool CatchUp, bool Skip);
