using System.Threading.Channels;
using FnSharp.Server.Triggers;

namespace FnSharp.Server.Tests.Triggers;

/// <summary>
/// What a node's <see cref="NatsTriggerListener"/> did, one channel per kind, so that a test awaits
/// "the trigger's consumer runs" or "a message was stored" instead of sleeping or polling.
/// </summary>
internal sealed class NatsEvents : INatsTriggerObserver
{
    // Written by the listener (its loop and its consumers' loops), read by the test; unbounded because a
    // test makes a handful of events.
    private readonly Channel<(string TriggerId, string Stream, string Consumer)> _subscribed = Channel.CreateUnbounded<(string, string, string)>();
    private readonly Channel<(string Stream, string Consumer)> _removed = Channel.CreateUnbounded<(string, string)>();
    private readonly Channel<(string TriggerId, string CallId, bool Duplicate)> _stored = Channel.CreateUnbounded<(string, string, bool)>();
    private readonly Channel<string> _connectFailed = Channel.CreateUnbounded<string>();
    private int _storedCount;

    // A failsafe against a hung test, not a timing assertion.
    private static readonly TimeSpan Failsafe = TimeSpan.FromSeconds(30);

    public void ConnectFailed(string url) => _connectFailed.Writer.TryWrite(url);

    public void Subscribed(string triggerId, string stream, string consumer) => _subscribed.Writer.TryWrite((triggerId, stream, consumer));

    public void ConsumerRemoved(string stream, string consumer) => _removed.Writer.TryWrite((stream, consumer));

    public void MessageStored(string triggerId, string callId, bool duplicate)
    {
        Interlocked.Increment(ref _storedCount);
        _stored.Writer.TryWrite((triggerId, callId, duplicate));
    }

    public Task<(string TriggerId, string Stream, string Consumer)> NextSubscribedAsync() => _subscribed.Reader.ReadAsync().AsTask().WaitAsync(Failsafe);

    public Task<(string Stream, string Consumer)> NextRemovedAsync() => _removed.Reader.ReadAsync().AsTask().WaitAsync(Failsafe);

    public Task<(string TriggerId, string CallId, bool Duplicate)> NextStoredAsync() => _stored.Reader.ReadAsync().AsTask().WaitAsync(Failsafe);

    public Task<string> NextConnectFailedAsync() => _connectFailed.Reader.ReadAsync().AsTask().WaitAsync(Failsafe);

    /// <summary>How many messages were stored (or found stored) so far.</summary>
    public int StoredCount => Volatile.Read(ref _storedCount);
}
