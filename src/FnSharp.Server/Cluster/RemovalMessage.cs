namespace FnSharp.Server.Cluster;

/// <summary>
/// The message a node sends on the store's change feed after it removed a fn or an app, so that the other nodes remove
/// their containers of it at once (<see cref="StoreChangeListener"/>): <c>removed␟fn␟ID␟WRITER</c> or
/// <c>removed␟app␟ID␟WRITER</c> (␟ is U+001F, as in <see cref="ChangeBarrier"/>'s messages), WRITER the node that
/// removed it. The table's own change message still drops every node's cache; this one only names what went.
/// </summary>
internal static class RemovalMessage
{
    /// <summary>A fn was removed.</summary>
    public const string Fn = "fn";

    /// <summary>An app was removed, with its fns.</summary>
    public const string App = "app";

    private const char Separator = '\u001f';
    private const string Kind = "removed";

    /// <summary>The message saying that <paramref name="writer"/> removed the <paramref name="what"/> (<see cref="Fn"/> or <see cref="App"/>) <paramref name="id"/>.</summary>
    public static string Of(string what, string id, string writer) => string.Join(Separator, Kind, what, id, writer);

    /// <summary>Reads a removal message; false for any other message.</summary>
    public static bool TryRead(string message, out string what, out string id, out string writer)
    {
        ArgumentNullException.ThrowIfNull(message);
        (what, id, writer) = message.Split(Separator) switch
        {
            [Kind, (Fn or App) and var w, var i, var n] when i.Length > 0 => (w, i, n),
            _ => ("", "", ""),
        };
        return what.Length > 0;
    }
}
