using System.Text;
using System.Text.RegularExpressions;

namespace FnSharp.Cli.Images;

/// <summary>
/// The rules of a <c>.dockerignore</c> file, matched as the Docker CLI does (moby's patternmatcher):
/// one pattern a line, <c>#</c> comments, <c>*</c>, <c>?</c> and <c>[...]</c> within a path segment, <c>**</c> across
/// segments, <c>!</c> to re-include; a path is excluded when the last pattern that matches it, or one
/// of its parent directories, is not a <c>!</c> pattern.
/// </summary>
internal sealed class DockerIgnore
{
    private readonly List<(Regex Pattern, bool Exception)> _patterns;

    private DockerIgnore(List<(Regex Pattern, bool Exception)> patterns) => _patterns = patterns;

    /// <summary>No rule: everything is sent.</summary>
    public static DockerIgnore None { get; } = new([]);

    /// <summary>Whether some rule re-includes paths (a <c>!</c> pattern), so an excluded directory may still hold included files.</summary>
    public bool HasExceptions => _patterns.Any(p => p.Exception);

    /// <summary>Reads <c>.dockerignore</c> in <paramref name="directory"/>, or <see cref="None"/> when there is none.</summary>
    public static DockerIgnore Read(string directory)
    {
        var path = Path.Combine(directory, ".dockerignore");
        return File.Exists(path) ? Parse(File.ReadAllText(path)) : None;
    }

    /// <summary>Parses the text of a <c>.dockerignore</c> file.</summary>
    public static DockerIgnore Parse(string text)
    {
        var patterns = new List<(Regex, bool)>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var exception = line.StartsWith('!');
            var pattern = Clean(exception ? line[1..].Trim() : line);
            if (pattern.Length > 0)
            {
                patterns.Add((ToRegex(pattern), exception));
            }
        }

        return new DockerIgnore(patterns);
    }

    /// <summary>Whether the path <paramref name="relativePath"/> (relative to the context, '/' separated) is left out of the context.</summary>
    public bool IsExcluded(string relativePath)
    {
        var parents = Parents(relativePath).ToList();
        var excluded = false;
        foreach (var (pattern, exception) in _patterns)
        {
            // As moby does: an exception can only re-include what is excluded, a pattern only exclude what is included.
            if (exception != excluded)
            {
                continue;
            }

            if (pattern.IsMatch(relativePath) || parents.Exists(pattern.IsMatch))
            {
                excluded = !exception;
            }
        }

        return excluded;
    }

    private static IEnumerable<string> Parents(string path)
    {
        for (var slash = path.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            yield return path[..slash];
        }
    }

    /// <summary>The pattern as a clean relative path: no leading or trailing '/', no '.' segments.</summary>
    private static string Clean(string pattern)
    {
        var segments = new List<string>();
        foreach (var segment in pattern.Replace('\\', '/').Split('/'))
        {
            if (segment is "" or ".")
            {
                continue;
            }

            if (segment == ".." && segments.Count > 0)
            {
                segments.RemoveAt(segments.Count - 1);
                continue;
            }

            segments.Add(segment);
        }

        return string.Join('/', segments);
    }

    private static Regex ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                i++;
                if (i + 1 < pattern.Length && pattern[i + 1] == '/')
                {
                    i++;
                }

                regex.Append(i + 1 == pattern.Length ? ".*" : "(.*/)?");
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else if (c == '[' && pattern.IndexOf(']', i + 1) is var close and > 0)
            {
                // A character class, [!...] negated as in Go's filepath.Match.
                var body = pattern[(i + 1)..close];
                regex.Append('[').Append(body.StartsWith('!') ? "^" + body[1..] : body).Append(']');
                i = close;
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
