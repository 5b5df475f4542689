using Cronos;

namespace FnSharp.Core.Scheduling;

/// <summary>
/// The schedule of a cron trigger: a cron expression of 5 fields (minute, hour, day of month, month, day
/// of week) or 6 (seconds first), or a macro such as <c>@daily</c>, parsed by Cronos, in a time zone (UTC unless the trigger's annotation
/// <c>fnsharp.io/cron-timezone</c> names an IANA zone). Occurrences follow Cronos's rules for daylight
/// saving: a time skipped by a spring-forward change runs at the end of the gap, a time repeated by a
/// fall-back change runs once (except for schedules of every second, minute or hour, which run in both).
/// </summary>
public sealed class CronSchedule
{
    private readonly CronExpression _expression;

    private CronSchedule(string source, CronExpression expression, TimeZoneInfo zone)
    {
        Source = source;
        _expression = expression;
        Zone = zone;
    }

    /// <summary>The macros accepted in place of the fields (Cronos's): <c>@daily</c> is <c>0 0 * * *</c>, <c>@hourly</c> is <c>0 * * * *</c>, and so on.</summary>
    public static IReadOnlyList<string> Macros { get; } =
        ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly", "@every_minute", "@every_second"];

    /// <summary>The expression as the trigger holds it.</summary>
    public string Source { get; }

    /// <summary>The zone occurrences are computed in.</summary>
    public TimeZoneInfo Zone { get; }

    /// <summary>
    /// Parses <paramref name="source"/> (5 or 6 fields, separated by spaces, or one of <see cref="Macros"/>) in the zone <paramref name="zoneId"/>
    /// (an IANA id such as <c>Europe/Paris</c>; <see langword="null"/> for UTC).
    /// </summary>
    /// <returns>The schedule, or <see langword="null"/> with <paramref name="error"/> saying what is wrong.</returns>
    public static CronSchedule? TryParse(string source, string? zoneId, out string? error)
    {
        ArgumentNullException.ThrowIfNull(source);
        var fields = source.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var macro = fields is [{ } only] && only.StartsWith('@');
        if (macro && !Macros.Contains(fields[0], StringComparer.OrdinalIgnoreCase))
        {
            error = $"Invalid cron expression '{source}': unknown macro; use one of {string.Join(", ", Macros)}, or 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first)";
            return null;
        }

        if (!macro && fields.Length is not (5 or 6))
        {
            var count = fields.Length == 1 ? "1 field" : $"{fields.Length} fields";
            error = $"Invalid cron expression '{source}': it has {count}; use 5 (minute hour day-of-month month day-of-week) or 6 (seconds first), as in '0 */5 * * * *', or a macro such as @daily";
            return null;
        }

        CronExpression expression;
        try
        {
            // @every_second needs the seconds format; every other macro reads the same in both.
            var format = fields.Length == 6 || (macro && fields[0].Equals("@every_second", StringComparison.OrdinalIgnoreCase)) ? CronFormat.IncludeSeconds : CronFormat.Standard;
            expression = CronExpression.Parse(string.Join(' ', fields), format);
        }
        catch (CronFormatException e)
        {
            error = $"Invalid cron expression '{source}': {e.Message}";
            return null;
        }

        var zone = TimeZoneInfo.Utc;
        if (zoneId is not null)
        {
            if (zoneId.Length == 0 || !TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var found))
            {
                error = $"Invalid annotation fnsharp.io/cron-timezone '{zoneId}': name an IANA time zone such as 'Europe/Paris' or 'UTC'";
                return null;
            }

            zone = found;
        }

        error = null;
        return new CronSchedule(source, expression, zone);
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>, or <see langword="null"/> when there is none (a date that never comes, such as 30 February).</summary>
    public DateTimeOffset? Next(DateTimeOffset after) =>
        _expression.GetNextOccurrence(after.ToUniversalTime().UtcDateTime, Zone, inclusive: false) is { } next ? new DateTimeOffset(next, TimeSpan.Zero) : null;

    /// <summary>The next <paramref name="count"/> occurrences after <paramref name="after"/> (fewer when the schedule ends).</summary>
    public IReadOnlyList<DateTimeOffset> NextOccurrences(DateTimeOffset after, int count)
    {
        var list = new List<DateTimeOffset>(count);
        var from = after;
        while (list.Count < count && Next(from) is { } next)
        {
            list.Add(next);
            from = next;
        }

        return list;
    }

    /// <summary>
    /// The latest occurrence after <paramref name="after"/> and at or before <paramref name="now"/>, or
    /// <see langword="null"/> when none is due. Missed occurrences collapse into this one (the catch-up).
    /// </summary>
    public DateTimeOffset? LatestDue(DateTimeOffset after, DateTimeOffset now)
    {
        if (Next(after) is not { } first || first > now)
        {
            return null;
        }

        // Find a window ending at now that holds an occurrence, doubling it from one second, so that a
        // schedule of every second after days of downtime is not walked tick by tick.
        var window = TimeSpan.FromSeconds(1);
        var start = now - window;
        while (start > after && (Next(start) is not { } probe || probe > now))
        {
            window *= 2;
            start = now - window;
        }

        var latest = first;
        var from = start > after ? start : after;
        while (Next(from) is { } next && next <= now)
        {
            latest = next;
            from = next;
        }

        return latest;
    }
}
