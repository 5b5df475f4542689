using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FnSharp.Bench;

/// <summary>One row of the markdown table: a measured figure beside its baseline or target.</summary>
internal sealed record ReportRow(string Scenario, string Measure, string FnSharp, string Baseline, string Note);

/// <summary>The run's results: a JSON tree (bench/results/latest.json) and table rows (latest.md), or latest-NAME.* for one scenario.</summary>
internal sealed class Report
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public JsonObject Json { get; } = [];

    public List<ReportRow> Rows { get; } = [];

    public void Add(string scenario, string measure, string fnsharp, string baseline = "", string note = "") =>
        Rows.Add(new ReportRow(scenario, measure, fnsharp, baseline, note));

    /// <summary>The rows as a GitHub markdown table, with a heading line.</summary>
    public static string RenderTable(IEnumerable<ReportRow> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("| scenario | measure | FnSharp | baseline (same run) | note |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var row in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {Escape(row.Scenario)} | {Escape(row.Measure)} | {Escape(row.FnSharp)} | {Escape(row.Baseline)} | {Escape(row.Note)} |");
        }
        return text.ToString();
    }

    /// <summary>Writes <paramref name="name"/>.json (every figure) and <paramref name="name"/>.md (the table) into <paramref name="directory"/>.</summary>
    public async Task WriteAsync(string directory, string name, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, name + ".json"), Json.ToJsonString(Indented) + "\n", cancellationToken);
        var md = new StringBuilder();
        md.AppendLine("# FnSharp benchmark: latest run");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Run {Json["started_at"]}, mode {Json["mode"]}, scenarios: {Json["scenario"]}, machine: {Json["machine"]}; load average at start {Json["load_average_at_start"]}, at end {Json["load_average_at_end"]}. Written by `scripts/bench.sh`; see docs/benchmarks.md.");
        md.AppendLine();
        md.Append(RenderTable(Rows));
        await File.WriteAllTextAsync(Path.Combine(directory, name + ".md"), md.ToString(), cancellationToken);
    }

    private static string Escape(string cell) => cell.Replace("|", "\\|", StringComparison.Ordinal);
}
