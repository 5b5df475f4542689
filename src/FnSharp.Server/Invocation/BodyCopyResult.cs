namespace FnSharp.Server.Invocation;

/// <summary>How copying a function's response body to the client ended.</summary>
internal enum BodyCopyResult
{
    /// <summary>The whole body was sent.</summary>
    Completed,

    /// <summary>The body was over the limit before anything was sent: the client can still get a clean 502.</summary>
    TooLarge,

    /// <summary>The body went over the limit after streaming began: the only honest answer is to abort the connection.</summary>
    TooLargeAfterStart,
}
