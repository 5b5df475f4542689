namespace FnSharp.Server.Tests.Edge;

/// <summary>Everything a server sent for one request until it ended the connection, read over a plain socket.</summary>
/// <param name="Status">The status of its head.</param>
/// <param name="Headers">The head's headers.</param>
/// <param name="Body">The bytes after the head, as sent (still chunked, when they are).</param>
/// <param name="Reset">Whether the server reset the connection rather than closing it.</param>
internal sealed record RawAnswer(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body, bool Reset);
