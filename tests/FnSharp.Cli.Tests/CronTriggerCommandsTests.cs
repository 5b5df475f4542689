using FnSharp.Testing;

namespace FnSharp.Cli.Tests;

/// <summary>Cron triggers from the CLI: <c>create trigger --type cron</c>, their next runs, <c>pause</c> and <c>resume</c>.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class CronTriggerCommandsTests : CliServerTest
{
    [Fact]
    public async Task CreateCronTrigger_NextRunsPrintedAndListed()
    {
        await OkAsync("create", "app", "shop");
        await OkAsync("create", "fn", "shop", "report", "img");

        var output = await OkAsync("create", "trigger", "shop", "report", "every-5", "--type", "cron", "--source", "0 */5 * * * *", "--timezone", "Europe/Paris");
        var list = await OkAsync("list", "triggers", "shop");
        var inspected = await OkAsync("inspect", "trigger", "shop", "report", "every-5", "annotations.fnsharp.io/cron-timezone");

        Assert.Matches(@"^Successfully created trigger: every-5\nNext runs \(UTC\): (\d{4}-\d\d-\d\dT\d\d:\d[05]:00\.000Z, ){4}\d{4}-\d\d-\d\dT\d\d:\d[05]:00\.000Z\n$", output);
        Assert.Matches(@"\nreport\s+every-5\s+cron\s+0 \*/5 \* \* \* \*\s+\d{4}-\d\d-\d\dT\d\d:\d[05]:00\.000Z\s+[0-9A-Z]{26}\n$", list);
        Assert.Contains("Europe/Paris", inspected, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateCronTrigger_Paused_SaysItRunsOnceResumed()
    {
        await OkAsync("create", "app", "shop");
        await OkAsync("create", "fn", "shop", "report", "img");

        var output = await OkAsync("create", "trigger", "shop", "report", "nightly", "--type", "cron", "--source", "@daily", "--annotation", "fnsharp.io/cron-paused=\"true\"");

        Assert.Equal("Successfully created trigger: nightly\nPaused: no runs until it is resumed ('fnsharp resume trigger', or the annotation fnsharp.io/cron-paused: \"false\")\n", output);
    }

    [Fact]
    public async Task PauseThenResume_ListShowsPausedThenTheNextRun()
    {
        await OkAsync("create", "app", "shop");
        await OkAsync("create", "fn", "shop", "report", "img");
        await OkAsync("create", "trigger", "shop", "report", "hourly", "--type", "cron", "--source", "0 * * * *");

        var paused = await OkAsync("pause", "trigger", "shop", "report", "hourly");
        var listPaused = await OkAsync("list", "triggers", "shop", "report");
        var resumed = await OkAsync("resume", "trigger", "shop", "report", "hourly");
        var listResumed = await OkAsync("list", "triggers", "shop", "report");

        Assert.Equal("Paused trigger: hourly\n", paused);
        Assert.Matches(@"\nreport\s+hourly\s+cron\s+0 \* \* \* \*\s+paused\s+[0-9A-Z]{26}\n$", listPaused);
        Assert.Matches(@"^Resumed trigger: hourly; next runs \(UTC\): \d{4}-\d\d-\d\dT\d\d:00:00\.000Z, ", resumed);
        Assert.Matches(@"\nreport\s+hourly\s+cron\s+0 \* \* \* \*\s+\d{4}-\d\d-\d\dT\d\d:00:00\.000Z\s+[0-9A-Z]{26}\n$", listResumed);
    }

    [Theory]
    [InlineData(new[] { "create", "trigger", "shop", "report", "t", "--type", "cron" }, "Error: a cron trigger needs its schedule: --source '0 */5 * * * *' (5 fields, or 6 with seconds first)")]
    [InlineData(new[] { "create", "trigger", "shop", "report", "t", "--type", "cron", "--source", "* * *" }, "Error: Invalid cron expression '* * *': it has 3 fields; use 5 (minute hour day-of-month month day-of-week) or 6 (seconds first), as in '0 */5 * * * *', or a macro such as @daily (400)")]
    [InlineData(new[] { "create", "trigger", "shop", "report", "t", "--type", "cron", "--source", "0 9 * * *", "--timezone", "Mars/Base" }, "Error: Invalid annotation fnsharp.io/cron-timezone 'Mars/Base': name an IANA time zone such as 'Europe/Paris' or 'UTC' (400)")]
    [InlineData(new[] { "pause", "trigger", "shop", "report", "web" }, "Error: trigger 'web' is of type http: only cron triggers are paused and resumed")]
    public async Task CronCommand_BadInput_ErrorLineAndExit1(string[] args, string message)
    {
        await OkAsync("create", "app", "shop");
        await OkAsync("create", "fn", "shop", "report", "img");
        await OkAsync("create", "trigger", "shop", "report", "web");

        var (code, output, error) = await RunAsync(args);

        Assert.Equal((1, "", message + "\n"), (code, output, error));
    }
}
