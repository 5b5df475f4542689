using System.Text.RegularExpressions;

namespace FnSharp.Cli.Images;

/// <summary>
/// The base images a Dockerfile names in its <c>FROM</c> lines, with <c>ARG</c> defaults and build
/// arguments filled in: checked on the local engine before a build, since nothing is pulled.
/// </summary>
internal static partial class DockerfileBases
{
    /// <summary>
    /// The images of the <c>FROM</c> lines of <paramref name="dockerfile"/>, in order, leaving out
    /// <c>scratch</c> and earlier stages named with <c>AS</c>.
    /// </summary>
    public static IReadOnlyList<string> Find(string dockerfile, IReadOnlyDictionary<string, string> buildArgs)
    {
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        var stages = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var images = new List<string>();
        var seenFrom = false;
        foreach (var line in Lines(dockerfile))
        {
            var words = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 2)
            {
                continue;
            }

            if (!seenFrom && words[0].Equals("ARG", StringComparison.OrdinalIgnoreCase))
            {
                var equals = words[1].IndexOf('=', StringComparison.Ordinal);
                var name = equals < 0 ? words[1] : words[1][..equals];
                args[name] = buildArgs.TryGetValue(name, out var given) ? given : equals < 0 ? "" : words[1][(equals + 1)..].Trim('"', '\'');
            }
            else if (words[0].Equals("FROM", StringComparison.OrdinalIgnoreCase))
            {
                seenFrom = true;
                var rest = words.Skip(1).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToList();
                if (rest.Count == 0)
                {
                    continue;
                }

                var image = Variable().Replace(rest[0], m => args.GetValueOrDefault(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value, ""));
                if (rest.Count >= 3 && rest[1].Equals("AS", StringComparison.OrdinalIgnoreCase))
                {
                    stages.Add(rest[2]);
                }

                if (image.Length > 0 && !image.Equals("scratch", StringComparison.OrdinalIgnoreCase) && !stages.Contains(image) && !images.Contains(image))
                {
                    images.Add(image);
                }
            }
        }

        return images;
    }

    /// <summary>The instructions, with comments dropped and backslash continuations joined.</summary>
    private static IEnumerable<string> Lines(string dockerfile)
    {
        var current = "";
        foreach (var raw in dockerfile.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                current += line[..^1] + " ";
                continue;
            }

            yield return current + line;
            current = "";
        }

        if (current.Length > 0)
        {
            yield return current;
        }
    }

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-[^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Variable();
}
