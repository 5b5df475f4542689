using System.Text.Json.Serialization;
using FnSharp.Core.Json;

namespace FnSharp.Server.Triggers;

/// <summary>
/// The body of the detached call a cron tick makes (<c>docs/api.md</c>, "Cron triggers"):
/// <c>{"trigger_id":"...","trigger_name":"...","scheduled_time":"2026-12-04T23:00:00.000Z","catch_up":false}</c>.
/// </summary>
/// <param name="TriggerId">The trigger's id.</param>
/// <param name="TriggerName">The trigger's name.</param>
/// <param name="ScheduledTime">The tick's scheduled time (UTC, RFC 3339 with milliseconds), not the time it was queued.</param>
/// <param name="CatchUp">Whether this call stands for ticks missed while no node ran (only the latest runs).</param>
internal sealed record CronTickBody(
    [property: JsonPropertyName("trigger_id")] string TriggerId,
    [property: JsonPropertyName("trigger_name")] string TriggerName,
    [property: JsonPropertyName("scheduled_time"), JsonConverter(typeof(Rfc3339MillisecondsConverter))] DateTimeOffset ScheduledTime,
    [property: JsonPropertyName("catch_up")] bool CatchUp);
