namespace FnSharp.Cli.Commands;

/// <summary>Parses <c>KEY=VALUE</c> arguments.</summary>
internal static class KeyValues
{
    /// <exception cref="CliException">An entry has no <c>=</c> or an empty key.</exception>
    public static Dictionary<string, string> Parse(IEnumerable<string>? entries)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries ?? [])
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw CliException.Usage($"config entry '{entry}' is not KEY=VALUE");
            }

            result[entry[..equals]] = entry[(equals + 1)..];
        }

        return result;
    }
}
