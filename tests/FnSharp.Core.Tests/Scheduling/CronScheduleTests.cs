using FnSharp.Core.Scheduling;
using FnSharp.Testing;

namespace FnSharp.Core.Tests.Scheduling;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class CronScheduleTests
{
    private static readonly DateTimeOffset Noon = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TryParse_FiveFields_EveryMinuteInUtc()
    {
        var schedule = Parse("*/5 * * * *");

        Assert.Equal(Noon.AddMinutes(5), schedule.Next(Noon));
        Assert.Equal(TimeZoneInfo.Utc, schedule.Zone);
    }

    [Fact]
    public void TryParse_SixFields_SecondsFirst()
    {
        var schedule = Parse("*/10 * * * * *");

        Assert.Equal([Noon.AddSeconds(10), Noon.AddSeconds(20), Noon.AddSeconds(30)], schedule.NextOccurrences(Noon, 3));
    }

    [Theory]
    [InlineData("* * * *", "it has 4 fields")]
    [InlineData("* * * * * * *", "it has 7 fields")]
    [InlineData("", "it has 0 fields")]
    public void TryParse_WrongFieldCount_SaysHowManyAndWhatToUse(string source, string expected)
    {
        Assert.Null(CronSchedule.TryParse(source, null, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Contains("use 5", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("@daily", "0 0 * * *")]
    [InlineData("@hourly", "0 * * * *")]
    [InlineData("@weekly", "0 0 * * 0")]
    [InlineData("@Monthly", "0 0 1 * *")]
    [InlineData("@every_minute", "* * * * *")]
    [InlineData("@every_second", "* * * * * *")]
    public void TryParse_Macro_SameTimesAsItsFields(string macro, string fields)
    {
        Assert.Equal(Parse(fields).NextOccurrences(Noon, 3), Parse(macro).NextOccurrences(Noon, 3));
    }

    [Theory]
    [InlineData("@nightly")]
    [InlineData("@reboot")]
    public void TryParse_UnknownMacro_ListsTheMacros(string source)
    {
        Assert.Null(CronSchedule.TryParse(source, null, out var error));
        Assert.StartsWith($"Invalid cron expression '{source}': unknown macro; use one of @yearly, ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_OneField_SaysFieldInTheSingular()
    {
        Assert.Null(CronSchedule.TryParse("daily", null, out var error));
        Assert.Contains("it has 1 field;", error, StringComparison.Ordinal);
        Assert.Contains("or a macro such as @daily", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("61 * * * *")]
    [InlineData("* * 32 * *")]
    [InlineData("a b c d e")]
    public void TryParse_BadField_NamesTheExpression(string source)
    {
        Assert.Null(CronSchedule.TryParse(source, null, out var error));
        Assert.StartsWith($"Invalid cron expression '{source}': ", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Mars/Olympus")]
    [InlineData("")]
    public void TryParse_UnknownZone_NamesTheAnnotation(string zone)
    {
        Assert.Null(CronSchedule.TryParse("0 9 * * *", zone, out var error));
        Assert.Equal($"Invalid annotation fnsharp.io/cron-timezone '{zone}': name an IANA time zone such as 'Europe/Paris' or 'UTC'", error);
    }

    [Fact]
    public void Next_InZone_LocalTimeToUtc()
    {
        var schedule = Parse("0 9 * * *", "America/New_York");

        // 09:00 in New York in December is 14:00 UTC (EST, UTC-5).
        Assert.Equal(new DateTimeOffset(2026, 12, 4, 14, 0, 0, TimeSpan.Zero), schedule.Next(Noon));
    }

    [Fact]
    public void Next_SpringForwardGap_RunsAtTheEndOfTheGap()
    {
        // Paris skips 02:00-03:00 on 29 March 2026: a 02:30 schedule runs at 03:00 local, 01:00 UTC.
        var schedule = Parse("30 2 * * *", "Europe/Paris");

        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero), schedule.Next(new DateTimeOffset(2026, 3, 28, 12, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void NextOccurrences_FallBackRepeat_RunsOnce()
    {
        // Paris repeats 02:00-03:00 on 25 October 2026: a daily 02:30 schedule runs once that day (00:30 UTC, the first 02:30).
        var schedule = Parse("30 2 * * *", "Europe/Paris");

        var runs = schedule.NextOccurrences(new DateTimeOffset(2026, 10, 24, 12, 0, 0, TimeSpan.Zero), 2);

        Assert.Equal([new DateTimeOffset(2026, 10, 25, 0, 30, 0, TimeSpan.Zero), new DateTimeOffset(2026, 10, 26, 1, 30, 0, TimeSpan.Zero)], runs);
    }

    [Fact]
    public void LatestDue_NoneDue_Null()
    {
        Assert.Null(Parse("0 * * * *").LatestDue(Noon, Noon.AddMinutes(59)));
    }

    [Fact]
    public void LatestDue_OneDue_ThatOne()
    {
        Assert.Equal(Noon.AddHours(1), Parse("0 * * * *").LatestDue(Noon, Noon.AddHours(1)));
    }

    [Fact]
    public void LatestDue_ManyMissed_TheLatestOnly()
    {
        // Three days of a schedule of every second: the latest tick at or before now, not the first missed.
        var now = Noon.AddDays(3).AddMilliseconds(500);

        Assert.Equal(Noon.AddDays(3), Parse("* * * * * *").LatestDue(Noon, now));
    }

    [Fact]
    public void LatestDue_SparseScheduleAfterLongGap_TheLatest()
    {
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), Parse("0 0 1 1 *").LatestDue(new DateTimeOffset(2020, 6, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Next_NeverComes_Null()
    {
        Assert.Null(Parse("0 0 30 2 *").Next(Noon));
    }

    private static CronSchedule Parse(string source, string? zone = null) =>
        CronSchedule.TryParse(source, zone, out var error) ?? throw new InvalidOperationException(error);
}
