using System.Text.Json;
using FnSharp.Core.Ids;
using FnSharp.Core.Models;
using FnSharp.Core.Scheduling;
using FnSharp.Core.Storage;
using FnSharp.Core.Validation;
using FnSharp.Server.Apis;
using FnSharp.Server.Detached;
using Microsoft.Extensions.Options;

namespace FnSharp.Server.Triggers;

/// <summary>
/// Fires cron triggers (<c>docs/api.md</c>, "Cron triggers"): every <c>FN_CRON_POLL_MSECS</c>, or at the
/// next tick when sooner, it reads the cron triggers and, for each tick that <see cref="CronPlanner"/> says
/// is due, stores the tick with a detached call in one transaction (<see cref="ITriggerTickStore"/>), so
/// that the call has the record, log, retries and dead letters of any detached call. The tick's unique
/// key makes every node that runs a scheduler on the same PostgreSQL store each tick once, and a
/// restarted node never stores a tick again.
/// </summary>
/// <remarks>
/// Ticks are stored on the clock of the node that sees them first; a node whose clock runs ahead fires
/// early. <see cref="RunOnceAsync"/> is one pass, which the loop runs and tests drive on a fake clock.
/// </remarks>
internal sealed partial class CronScheduler(
    IServiceProvider services,
    IdGenerator ids,
    DetachedCallWorker worker,
    IOptions<TriggerOptions> options,
    TimeProvider time,
    ILogger<CronScheduler> logger) : BackgroundService
{
    /// <summary>The media type of a tick's body.</summary>
    public const string BodyType = "application/json";

    /// <summary>How long the ticks of a trigger are kept after a later one: longer than any node's lag.</summary>
    public static readonly TimeSpan TickRetention = TimeSpan.FromHours(1);

    // The schedules parsed so far, by trigger id, with the trigger's version: parsed again when it changes.
    private readonly Dictionary<string, (DateTimeOffset UpdatedAt, CronSchedule Schedule)> _schedules = new(StringComparer.Ordinal);

    /// <summary>
    /// One pass at <paramref name="now"/>: stores the due tick of each cron trigger (with its call, or
    /// skipped for overlap) and wakes the worker when it stored a call.
    /// </summary>
    /// <returns>The earliest next tick of the triggers that run, <see langword="null"/> when none.</returns>
    public async Task<DateTimeOffset?> RunOnceAsync(ITriggerTickStore store, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var triggers = await store.GetTriggersOfTypeAsync(Trigger.CronType, cancellationToken);
        DateTimeOffset? earliest = null;
        var queued = false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var trigger in triggers)
        {
            seen.Add(trigger.Id);
            if (ScheduleOf(trigger) is not { } schedule)
            {
                continue;
            }

            try
            {
                var last = await store.GetLastTickAsync(trigger.Id, cancellationToken);
                if (CronPlanner.Plan(trigger, schedule, last, now) is { } plan)
                {
                    queued |= await StoreTickAsync(store, trigger, plan, cancellationToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogTickFailed(logger, e, trigger.Id, trigger.FnId);
            }

            if (FnSharpAnnotations.PausedOf(trigger.Annotations) is false && schedule.Next(now) is { } next && (earliest is null || next < earliest))
            {
                earliest = next;
            }
        }

        foreach (var gone in _schedules.Keys.Where(id => !seen.Contains(id)).ToList())
        {
            _schedules.Remove(gone);
        }

        if (queued)
        {
            worker.Wake();
        }

        return earliest;
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromMilliseconds(options.Value.CronPollMs);
        if (poll == TimeSpan.Zero)
        {
            LogSchedulerOff(logger);
            return;
        }

        if (TriggerTickStores.Resolve(services, e => LogNoTickStore(logger, e)) is not { } store)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = poll;
            try
            {
                var now = time.GetUtcNow();
                if (await RunOnceAsync(store, now, stoppingToken) is { } next && next - now < wait)
                {
                    wait = next - time.GetUtcNow();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogPassFailed(logger, e, (long)poll.TotalMilliseconds);
            }

            try
            {
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private CronSchedule? ScheduleOf(Trigger trigger)
    {
        if (_schedules.TryGetValue(trigger.Id, out var known) && known.UpdatedAt == trigger.UpdatedAt)
        {
            return known.Schedule;
        }

        // Validated at create and update; a zone the node does not know (another node's tzdata) is logged once per version.
        if (ModelValidator.CronScheduleOf(trigger, out var error) is not { } schedule)
        {
            LogBadSchedule(logger, trigger.Id, error?.Message ?? "");
            _schedules.Remove(trigger.Id);
            return null;
        }

        _schedules[trigger.Id] = (trigger.UpdatedAt, schedule);
        return schedule;
    }

    private async Task<bool> StoreTickAsync(ITriggerTickStore store, Trigger trigger, CronPlan plan, CancellationToken cancellationToken)
    {
        var keepAfter = plan.TickAt - TickRetention;
        if (plan.Skip)
        {
            if (await store.RecordTickAsync(trigger.Id, plan.TickAt, null, null, keepAfter, cancellationToken))
            {
                LogSkipped(logger, trigger.Id, trigger.FnId, plan.TickAt);
            }

            return false;
        }

        var call = Call.QueuedDetached(ids.NewId(), trigger.AppId, trigger.FnId, ApiTime.Now(time));
        var body = JsonSerializer.SerializeToUtf8Bytes(new CronTickBody(trigger.Id, trigger.Name, plan.TickAt, plan.CatchUp), ApiJsonContext.Default.CronTickBody);
        var payload = new CallPayload([KeyValuePair.Create("Content-Type", BodyType)], body);
        if (!await store.RecordTickAsync(trigger.Id, plan.TickAt, call, payload, keepAfter, cancellationToken))
        {
            return false;
        }

        if (plan.CatchUp)
        {
            LogCaughtUp(logger, trigger.Id, trigger.FnId, plan.TickAt, call.Id);
        }
        else
        {
            LogQueued(logger, trigger.Id, trigger.FnId, plan.TickAt, call.Id);
        }

        return true;
    }

    // Event ids 1930-1999 belong to triggers: 1970-1989 to cron triggers (1900-1929 are the cluster's).
    [LoggerMessage(1970, LogLevel.Information, "Cron triggers do not fire on this node: FN_CRON_POLL_MSECS=0")]
    private static partial void LogSchedulerOff(ILogger logger);

    [LoggerMessage(1971, LogLevel.Critical, "Cron triggers do not fire: the datastore keeps no ticks")]
    private static partial void LogNoTickStore(ILogger logger, Exception exception);

    [LoggerMessage(1972, LogLevel.Error, "A pass over the cron triggers failed; the next one runs in {PollMs} ms")]
    private static partial void LogPassFailed(ILogger logger, Exception exception, long pollMs);

    [LoggerMessage(1973, LogLevel.Error, "The tick of cron trigger {TriggerId} (fn {FnId}) could not be stored; it is tried again at the next pass")]
    private static partial void LogTickFailed(ILogger logger, Exception exception, string triggerId, string fnId);

    [LoggerMessage(1974, LogLevel.Warning, "Cron trigger {TriggerId} does not fire on this node: {Reason}")]
    private static partial void LogBadSchedule(ILogger logger, string triggerId, string reason);

    [LoggerMessage(1975, LogLevel.Debug, "Cron trigger {TriggerId} queued call {CallId} of fn {FnId} for its tick at {TickAt:O}")]
    private static partial void LogQueued(ILogger logger, string triggerId, string fnId, DateTimeOffset tickAt, string callId);

    [LoggerMessage(1976, LogLevel.Information, "Cron trigger {TriggerId} missed ticks while no node ran it; queued one catch-up call {CallId} of fn {FnId} for its tick at {TickAt:O}, the others are not run")]
    private static partial void LogCaughtUp(ILogger logger, string triggerId, string fnId, DateTimeOffset tickAt, string callId);

    [LoggerMessage(1977, LogLevel.Information, "Cron trigger {TriggerId} skipped its tick at {TickAt:O}: the previous call of fn {FnId} is still queued or running (fnsharp.io/cron-overlap: skip)")]
    private static partial void LogSkipped(ILogger logger, string triggerId, string fnId, DateTimeOffset tickAt);
}
