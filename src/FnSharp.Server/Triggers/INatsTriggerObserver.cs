namespace FnSharp.Server.Triggers;

/// <summary>
/// Told what <see cref="NatsTriggerListener"/> does: when a trigger's consumer starts, and when a message
/// became a stored call (before its acknowledgement). The server registers none; a host that must wait
/// for these (a test publishing once the subscription runs) registers one as a singleton.
/// </summary>
internal interface INatsTriggerObserver
{
    /// <summary>NATS at <paramref name="url"/> (credentials hidden) could not be reached; the listener tries again with back-off. It must return quickly and not throw.</summary>
    void ConnectFailed(string url);

    /// <summary>The consumer <paramref name="consumer"/> of <paramref name="triggerId"/> on <paramref name="stream"/> runs on this node. It must return quickly and not throw.</summary>
    void Subscribed(string triggerId, string stream, string consumer);

    /// <summary>The consumer <paramref name="consumer"/> of <paramref name="stream"/> is removed (by this node, or found removed), its trigger deleted or its subject changed. It must return quickly and not throw.</summary>
    void ConsumerRemoved(string stream, string consumer);

    /// <summary>A message of <paramref name="triggerId"/> is stored as the call <paramref name="callId"/> (or was already, for a redelivery). It must return quickly and not throw.</summary>
    void MessageStored(string triggerId, string callId, bool duplicate);
}
