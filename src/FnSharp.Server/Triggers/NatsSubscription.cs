using FnSharp.Core.Models;

namespace FnSharp.Server.Triggers;

/// <summary>
/// One nats trigger's consumer as this node runs it (<see cref="NatsTriggerListener"/>): where it reads
/// and the loop that turns its messages into calls, which <see cref="StopAsync"/> ends.
/// </summary>
internal sealed class NatsSubscription(Trigger trigger, string stream, string consumer, CancellationTokenSource stop) : IDisposable
{
    /// <summary>The trigger as last read from the store; its source is the consumer's filter subject.</summary>
    public Trigger Trigger { get; set; } = trigger;

    /// <summary>The stream the consumer reads.</summary>
    public string Stream { get; } = stream;

    /// <summary>The durable consumer's name, shared by every node (<see cref="NatsTriggerListener.ConsumerNameOf"/>).</summary>
    public string Consumer { get; } = consumer;

    /// <summary>The loop; it ends when stopped, or by itself when the consumer fails (deleted, say), and is then started again.</summary>
    public Task Loop { get; set; } = Task.CompletedTask;

    /// <summary>The token that ends the loop.</summary>
    public CancellationToken Stopping => stop.Token;

    /// <summary>Ends the loop and waits for it; a message it was storing is stored and acknowledged first or left to redelivery.</summary>
    public async Task StopAsync()
    {
        await stop.CancelAsync();
        try
        {
            await Loop;
        }
        catch (OperationCanceledException)
        {
            // The loop ended on its token.
        }
    }

    /// <inheritdoc/>
    public void Dispose() => stop.Dispose();
}
