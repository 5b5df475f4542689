namespace FnSharp.Agent.Protocol;

/// <summary>The header names of Fn's contract (<c>fn-compat.md</c> sections 3 and 4).</summary>
public static class FnHeaders
{
    /// <summary>The call's id, on the request to the container and on every response to the client.</summary>
    public const string CallId = "Fn-Call-Id";

    /// <summary>When the call times out (RFC 3339), on the request to the container.</summary>
    public const string Deadline = "Fn-Deadline";
}
