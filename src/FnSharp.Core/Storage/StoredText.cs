namespace FnSharp.Core.Storage;

/// <summary>
/// What text a store can hold: PostgreSQL's text type refuses NUL characters, and UTF-8 cannot
/// encode a lone UTF-16 surrogate. Validation keeps such text out of stored fields; stores answer
/// lookups with such keys as "not found" instead of failing, since nothing stored can match them;
/// text that nobody validates (a call's log, the function's own output) is stored through
/// <see cref="ToStorable"/>.
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

    /// <summary>The replacement of a character no store can hold (U+FFFD, as for bytes that are not UTF-8).</summary>
    public const char Replacement = '\uFFFD';

    /// <summary>
    /// <paramref name="text"/> with each NUL and each unpaired surrogate replaced by <see cref="Replacement"/>,
    /// so that every store holds it; the same instance when there is none.
    /// </summary>
    public static string ToStorable(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (IsStorable(text))
        {
            return text;
        }

        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (char.IsHighSurrogate(c) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if (c == '\0' || char.IsSurrogate(c))
            {
                chars[i] = Replacement;
            }
        }

        return new string(chars);
    }
}
