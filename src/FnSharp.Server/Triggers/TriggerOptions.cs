namespace FnSharp.Server.Triggers;

/// <summary>
/// The settings of cron and NATS triggers (<see cref="CronScheduler"/>), read through
/// <see cref="Configuration.Settings.Triggers"/>, which checks them at start-up. <c>docs/configuration.md</c> lists them.
/// </summary>
public sealed record TriggerOptions
{
    /// <summary>
    /// How often the scheduler reads the cron triggers again, in milliseconds (<c>FN_CRON_POLL_MSECS</c>,
    /// default 1000); it also wakes at each trigger's next tick. 0 turns the scheduler off on this node
    /// (other nodes sharing its PostgreSQL still fire the ticks).
    /// </summary>
    public int CronPollMs { get; set; } = 1000;
}
