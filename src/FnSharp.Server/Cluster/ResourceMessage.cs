namespace FnSharp.Server.Cluster;

/// <summary>
/// The message a node sends on the store's change feed after it removed, created or changed a fn or an app, so that the
/// other nodes act on their containers of it at once (<see cref="StoreChangeListener"/>): <c>removed␟fn␟ID␟WRITER</c>,
/// <c>changed␟app␟ID␟WRITER</c> and so on (␟ is U+001F, as in <see cref="ChangeBarrier"/>'s messages), WRITER the node
/// that made the change. The table's own change message still drops every node's cache; this one only names what
/// changed and how.
/// </summary>
internal static class ResourceMessage
{
    /// <summary>The resource is a fn.</summary>
    public const string Fn = "fn";

    /// <summary>The resource is an app (a removal takes its fns with it).</summary>
    public const string App = "app";

    /// <summary>The resource was removed.</summary>
    public const string Removed = "removed";

    /// <summary>The resource was created or updated.</summary>
    public const string Changed = "changed";

    private const char Separator = '\u001f';

    /// <summary>
    /// The message saying that <paramref name="writer"/> made the change <paramref name="kind"/> (<see cref="Removed"/> or
    /// <see cref="Changed"/>) to the <paramref name="what"/> (<see cref="Fn"/> or <see cref="App"/>) <paramref name="id"/>.
    /// </summary>
    public static string Of(string kind, string what, string id, string writer) => string.Join(Separator, kind, what, id, writer);

    /// <summary>Reads a resource message; false for any other message.</summary>
    public static bool TryRead(string message, out string kind, out string what, out string id, out string writer)
    {
        ArgumentNullException.ThrowIfNull(message);
        (kind, what, id, writer) = message.Split(Separator) switch
        {
            [(Removed or Changed) and var k, (Fn or App) and var w, var i, var n] when i.Length > 0 => (k, w, i, n),
            _ => ("", "", "", ""),
        };
        return kind.Length > 0;
    }
}
