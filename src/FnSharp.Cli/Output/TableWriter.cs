namespace FnSharp.Cli.Output;

/// <summary>Writes rows as left-aligned columns separated by two spaces, with a header row.</summary>
internal static class TableWriter
{
    public static async Task WriteAsync(TextWriter output, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = new List<IReadOnlyList<string>> { header };
        all.AddRange(rows);
        var widths = header.Select((_, column) => all.Max(row => row[column].Length)).ToArray();
        foreach (var row in all)
        {
            var cells = row.Select((cell, column) => column == row.Count - 1 ? cell : cell.PadRight(widths[column]));
            await output.WriteLineAsync(string.Join("  ", cells).TrimEnd());
        }
    }
}
