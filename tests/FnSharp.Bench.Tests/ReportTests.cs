using FnSharp.Testing;

namespace FnSharp.Bench.Tests;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class ReportTests
{
    [Fact]
    public void RenderTable_Rows_MarkdownWithPipesEscaped()
    {
        var table = Report.RenderTable([new ReportRow("s", "m", "a|b", "base", "")]);

        Assert.Equal(
            "| scenario | measure | FnSharp | baseline (same run) | note |\n|---|---|---|---|---|\n| s | m | a\\|b | base |  |\n",
            table.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task WriteAsync_Name_BothFilesUnderThatNameOnly()
    {
        var directory = TestDirectories.Create("fnsharp-bench-tests-");
        try
        {
            var report = new Report();
            report.Json["scenario"] = "records";
            report.Add("7 call records", "m", "x");

            await report.WriteAsync(directory, "latest-records", CancellationToken.None);

            Assert.Equal(["latest-records.json", "latest-records.md"], Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            Assert.Contains("| 7 call records | m | x |  |  |", await File.ReadAllTextAsync(Path.Combine(directory, "latest-records.md")), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Kinds_Outcomes_GroupedBy503RetryAfterAndStatus()
    {
        var kinds = Scenarios.Kinds([(200, false), (503, true), (503, false), (503, true), (502, false), (-1, false)]);

        Assert.Equal(1, kinds["200"]);
        Assert.Equal(2, kinds["503 with Retry-After"]);
        Assert.Equal(1, kinds["503 without Retry-After"]);
        Assert.Equal(1, kinds["502"]);
        Assert.Equal(1, kinds["client error or timeout"]);
    }
}
