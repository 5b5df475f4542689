namespace FnSharp.Cli.Commands;

/// <summary>Parses <c>KEY=JSON</c> annotation arguments, as Fn's <c>--annotation</c> takes them.</summary>
internal static class Annotations
{
    /// <exception cref="CliException">An entry has no <c>=</c>, an empty key, or a value that is not JSON.</exception>
    public static Dictionary<string, JsonElement> Parse(IEnumerable<string>? entries)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var entry in entries ?? [])
        {
            var (key, value) = KeyValues.Split(entry, "annotation", "KEY=JSON");
            try
            {
                using var document = JsonDocument.Parse(value);
                result[key] = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                throw CliException.Usage($"annotation '{entry}' has a value that is not JSON; quote strings, for example {key}='\"text\"'");
            }
        }

        return result;
    }
}
