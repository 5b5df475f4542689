namespace FnSharp.Agent.Protocol;

/// <summary>Headers that belong to one connection and are never forwarded (RFC 9110 section 7.6.1).</summary>
public static class HopByHopHeaders
{
    private static readonly HashSet<string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Connection",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host",
    };

    /// <summary>Whether <paramref name="name"/> is hop-by-hop (compared without case).</summary>
    public static bool Contains(string name) => Names.Contains(name);
}
