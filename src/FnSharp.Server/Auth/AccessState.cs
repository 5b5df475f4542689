namespace FnSharp.Server.Auth;

/// <summary>Whether requests need a key right now (<see cref="AccessGate"/>).</summary>
internal enum AccessState
{
    /// <summary>Every route but the public ones needs a key.</summary>
    KeysRequired,

    /// <summary>No key exists (<c>FN_AUTH=auto</c>): served without one, on loopback connections only.</summary>
    OpenOnLoopback,

    /// <summary><c>FN_AUTH=off</c>: served without a key on any address.</summary>
    Off,
}
