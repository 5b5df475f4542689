namespace FnSharp.Server.Auth;

/// <summary>The values of <c>FN_AUTH</c>.</summary>
public enum AuthMode
{
    /// <summary>
    /// The default: keys are required whenever one exists (<c>FN_ADMIN_TOKEN</c>, or a key in the store);
    /// with none, a server listening only on loopback runs open and any other refuses to start.
    /// </summary>
    Auto,

    /// <summary>Keys are always required, even on loopback before any key exists.</summary>
    On,

    /// <summary>No key is ever asked for, on any address; the server logs a warning at start.</summary>
    Off,
}
