using System.Text.RegularExpressions;

namespace FnSharp.Cli.Functions;

/// <summary>The version bump of <c>deploy</c>: the patch number plus one, written back into <c>func.yaml</c> in place.</summary>
internal static partial class FuncFileVersion
{
    /// <summary>Returns the file's version with its patch number increased: <c>0.0.1</c> gives <c>0.0.2</c>.</summary>
    /// <exception cref="CliException">The version is not MAJOR.MINOR.PATCH.</exception>
    public static string Bump(FuncFile file)
    {
        var match = SemanticVersion().Match(file.Version);
        if (!match.Success || !int.TryParse(match.Groups[3].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var patch) || patch == int.MaxValue)
        {
            throw new CliException($"{file.Path}: version '{file.Version}' cannot be bumped: it is not MAJOR.MINOR.PATCH (for example 0.0.1); fix it or deploy with --no-bump");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{match.Groups[1].Value}.{match.Groups[2].Value}.{patch + 1}");
    }

    /// <summary>
    /// The file's text with <paramref name="version"/> in place of its version: only that value
    /// changes, so comments, order and every other field stay as they were.
    /// </summary>
    public static string Rewrite(FuncFile file, string version)
    {
        var span = file.VersionSpan;
        var quoted = span.Quote is { } quote ? quote + version + quote : version;
        return string.Concat(file.Text.AsSpan(0, span.Start), quoted, file.Text.AsSpan(span.End));
    }

    [GeneratedRegex("^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)$")]
    private static partial Regex SemanticVersion();
}
