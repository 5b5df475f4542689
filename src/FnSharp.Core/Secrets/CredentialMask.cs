using System.Text;
using System.Text.RegularExpressions;

namespace FnSharp.Core.Secrets;

/// <summary>
/// The one way the server hides credentials in a setting's value before it shows it in a log line or a message
/// (<c>FN_DB_URL</c>, <c>FN_NATS_URL</c>, Fn's settings it does not honour): a secret is never shown, the rest is shown
/// as written, so that the reader still sees which host, port and path the value names.
/// </summary>
/// <remarks>
/// <para>
/// A URL's user information, between its <c>://</c> and the last <c>@</c> before the next URL of a list (or the end):
/// <c>user:password</c> is shown <c>user:***</c>; a user without a password is shown <c>***</c>, since it is often a
/// token (NATS's <c>nats://TOKEN@host</c>, many HTTP services'). The text is cut as written, not through
/// <see cref="Uri"/>, whose user information is the escaped form and which refuses the malformed URLs a message most
/// needs to show; a password with an unescaped <c>@</c>, <c>/</c> or <c>,</c> is hidden whole (an <c>@</c> in a path
/// hides the host too: more hidden, never less).
/// </para>
/// <para>
/// A <c>password=</c> or <c>pwd=</c> pair (any key ending in <c>password</c>, in any case), as in a PostgreSQL
/// key/value connection string (<c>Host=db;Password=secret</c>, <c>host=db password='secret'</c>) or a URL's query
/// (<c>?password=secret</c>), is shown with its value as <c>***</c>.
/// </para>
/// <para>
/// A <c>user:password@</c> without a <c>://</c> before it, as in a URL whose scheme is missing or mistyped
/// (<c>u:secret@db:5432</c>, <c>postgres:/u:secret@db</c>, an entry of a host list such as <c>a:9190,u:secret@b:9190</c>),
/// which the messages that refuse such a value show: from the start of the entry to its last <c>@</c>, the text
/// after the first <c>:</c> is shown as <c>***</c>. A lone <c>user@host</c> there is shown as written.
/// </para>
/// </remarks>
public static partial class CredentialMask
{
    /// <summary>What a hidden secret is shown as.</summary>
    public const string Hidden = "***";

    private const string SchemeEnd = "://";

    /// <summary><paramref name="text"/> with its credentials hidden (see the type's remarks); any other text as it is.</summary>
    public static string Hide(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return PasswordPair().Replace(SchemelessUserInformation().Replace(HideUserInformation(text), "${1}:" + Hidden + "@"), "${1}${2}" + Hidden);
    }

    private static string HideUserInformation(string text)
    {
        var start = text.IndexOf(SchemeEnd, StringComparison.Ordinal);
        if (start < 0)
        {
            return text;
        }

        var shown = new StringBuilder(text.Length);
        shown.Append(text, 0, start);
        while (start >= 0)
        {
            // One URL: from its "://" to the next URL's (a list, comma-separated or not) or the end.
            var from = start + SchemeEnd.Length;
            var next = text.IndexOf(SchemeEnd, from, StringComparison.Ordinal);
            var end = next < 0 ? text.Length : next;
            var at = text.LastIndexOf('@', end - 1, end - from);
            shown.Append(SchemeEnd);
            if (at >= 0)
            {
                // The user is shown only when it holds no '@' itself: else it is a token's "TOKEN@host:port" before
                // another entry's "user:password@" (a list mixing URLs with and without a scheme), hidden whole.
                var colon = text.IndexOf(':', from, at - from);
                colon = colon >= 0 && text.IndexOf('@', from, colon - from) >= 0 ? -1 : colon;
                shown.Append(colon < 0 ? Hidden : string.Concat(text.AsSpan(from, colon - from + 1), Hidden));
                shown.Append(text, at, end - at);
            }
            else
            {
                shown.Append(text, from, end - from);
            }

            start = next;
        }

        return shown.ToString();
    }

    // An entry's "user:password@" (up to its last '@') at the start of the text, after a separator of a list or
    // connection string, or after "://" (where HideUserInformation has already left "user:***", matched again as it is);
    // not a scheme's "x://", whose ':' is followed by "//".
    [GeneratedRegex("""(?<=^|[,;\s'"]|://)([^,;\s'"@:/]+):(?!//)([^,;\s'"]*)@""", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex SchemelessUserInformation();

    // A key ending in "password", or "pwd", then '=' and its value: quoted, or up to a separator of a connection string or query.
    [GeneratedRegex("""(?<![A-Za-z0-9_])([A-Za-z_]*password|pwd)(\s*=\s*)(?:'[^']*'|"[^"]*"|[^;&\s]*)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex PasswordPair();
}
