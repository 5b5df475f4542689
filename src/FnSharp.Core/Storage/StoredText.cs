namespace FnSharp.Core.Storage;

/// <summary>
/// What text a store can hold: PostgreSQL's text type refuses NUL characters, and UTF-8 cannot
/// encode a lone UTF-16 surrogate. Validation keeps such text out of stored fields; stores answer
/// lookups with such keys as "not found" instead of failing, since nothing stored can match them.
/// </summary>
public static class StoredText
{
    /// <summary>Whether <paramref name="text"/> (or <see langword="null"/>) holds no NUL and no unpaired surrogate.</summary>
    public static bool IsStorable(string? text)
    {
        if (text is null)
        {
            return true;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0' || char.IsLowSurrogate(c))
            {
                return false;
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
            }
        }

        return true;
    }
}
