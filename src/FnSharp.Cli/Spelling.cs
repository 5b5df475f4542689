namespace FnSharp.Cli;

/// <summary>"Did you mean ...?": the known word closest to a mistyped one, when it is close enough to be the one meant.</summary>
internal static class Spelling
{
    /// <summary>
    /// Returns the word of <paramref name="known"/> nearest to <paramref name="word"/> (the first of equals,
    /// in <paramref name="known"/>'s order), or <see langword="null"/> when none is near: a different case
    /// alone, or an edit distance (insertions, deletions, substitutions and swaps of neighbours) of at most 1
    /// for words up to 4 characters, 2 up to 8, and 3 beyond; or at most <paramref name="limit"/> when given.
    /// </summary>
    public static string? Suggest(string word, IEnumerable<string> known, int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(word);
        ArgumentNullException.ThrowIfNull(known);
        var lower = word.ToLowerInvariant();
        limit ??= word.Length <= 4 ? 1 : word.Length <= 8 ? 2 : 3;
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            var distance = Distance(lower, candidate.ToLowerInvariant());
            if (distance <= limit && distance < bestDistance && candidate != word)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return best;
    }

    /// <summary>The optimal string alignment distance: Levenshtein's, with a swap of two neighbours counting as one edit.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
