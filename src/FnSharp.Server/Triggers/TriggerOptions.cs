namespace FnSharp.Server.Triggers;

/// <summary>
/// The settings of cron and NATS triggers (<see cref="CronScheduler"/>, <see cref="NatsTriggerListener"/>), read through
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

    /// <summary>
    /// The NATS server (or servers, separated by commas) that nats triggers subscribe to
    /// (<c>FN_NATS_URL</c>, for example <c>nats://127.0.0.1:4222</c>; credentials may be in the URL, as
    /// <c>nats://user:password@host:4222</c>). Unset: nats triggers are refused at create with 400.
    /// </summary>
    public string? NatsUrl { get; set; }

    /// <summary>
    /// How often the listener reads the nats triggers again, in milliseconds (<c>FN_NATS_POLL_MSECS</c>,
    /// default 2000), to follow triggers created, changed or deleted through other nodes; a change
    /// through this node is followed at once.
    /// </summary>
    public int NatsPollMs { get; set; } = 2000;
}
