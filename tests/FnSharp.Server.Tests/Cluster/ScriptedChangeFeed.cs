using FnSharp.Core.Storage;

namespace FnSharp.Server.Tests.Cluster;

/// <summary>A change feed whose sends run a test's script (answer, hang until cancelled, fail); it records what was sent and cannot be listened to.</summary>
internal sealed class ScriptedChangeFeed : IStoreChangeFeed
{
    /// <summary>The messages sent, in order.</summary>
    public List<string> Sent { get; } = [];

    /// <summary>Runs at each send, after the message is recorded; by default the send completes at once.</summary>
    public Func<string, CancellationToken, Task> OnSend { get; set; } = (_, _) => Task.CompletedTask;

    public Task ListenAsync(Action subscribed, Action<string> notified, CancellationToken cancellationToken) =>
        throw new NotSupportedException("ScriptedChangeFeed only sends.");

    public Task NotifyAsync(string message, CancellationToken cancellationToken)
    {
        Sent.Add(message);
        return OnSend(message, cancellationToken);
    }
}
