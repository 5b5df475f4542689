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
            var (key, value) = Split(entry, "config entry", "KEY=VALUE");
            result[key] = value;
        }

        return result;
    }

    /// <summary>Splits <paramref name="entry"/> at its first <c>=</c>; the value may be empty, the key may not.</summary>
    /// <param name="entry">The argument, for example <c>GREETING=hi</c>.</param>
    /// <param name="what">What the argument is, for the error: <c>config entry</c>, <c>annotation</c>.</param>
    /// <param name="shape">The shape it should have, for the error: <c>KEY=VALUE</c>, <c>KEY=JSON</c>.</param>
    /// <exception cref="CliException">A usage error for an entry without <c>=</c> or with an empty key.</exception>
    public static (string Key, string Value) Split(string entry, string what, string shape)
    {
        var equals = entry.IndexOf('=', StringComparison.Ordinal);
        return equals <= 0 ? throw CliException.Usage($"{what} '{entry}' is not {shape}") : (entry[..equals], entry[(equals + 1)..]);
    }
}
