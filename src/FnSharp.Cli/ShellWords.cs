namespace FnSharp.Cli;

/// <summary>Command lines as a POSIX shell reads them back, for the commands that hints and "next page" lines print.</summary>
internal static class ShellWords
{
    /// <summary>A word as it is when it holds nothing the shell treats specially, else in single quotes.</summary>
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsLetterOrDigit(c) || "-_./:=@+,%".Contains(c, StringComparison.Ordinal))
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>The words, each quoted as needed, separated by spaces.</summary>
    public static string Join(IEnumerable<string> words) => string.Join(' ', words.Select(Quote));
}
