using System.Globalization;
using FnSharp.Core.Ids;
using FnSharp.Core.Models;
using FnSharp.Core.Storage;

namespace FnSharp.Server.Triggers;

/// <summary>
/// The pure rule that turns a message of a nats trigger into its detached call (<c>docs/api.md</c>,
/// "NATS triggers"): the payload is the body, the message's <c>Content-Type</c> header its content type
/// (<c>application/octet-stream</c> without one), and the subject and stream sequence go along as
/// headers. The call's id is derived from the trigger, the stream, the sequence and the time the stream
/// stored the message, so that a redelivered message maps to the call already stored.
/// </summary>
internal static class NatsMessageCall
{
    /// <summary>The content type of a message that names none.</summary>
    public const string DefaultContentType = "application/octet-stream";

    /// <summary>The header that carries the message's subject to the function.</summary>
    public const string SubjectHeader = "Fnsharp-Nats-Subject";

    /// <summary>The header that carries the message's stream sequence to the function (the same at every delivery: a function can deduplicate on it).</summary>
    public const string SequenceHeader = "Fnsharp-Nats-Sequence";

    /// <summary>The id of the call of <paramref name="delivery"/> for <paramref name="trigger"/>: the same at every delivery of the message.</summary>
    public static string CallIdOf(Trigger trigger, NatsDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        ArgumentNullException.ThrowIfNull(delivery);
        return IdGenerator.Derive(delivery.Timestamp, string.Create(CultureInfo.InvariantCulture, $"nats/{trigger.Id}/{delivery.Stream}/{delivery.StreamSequence}"));
    }

    /// <summary>The queued detached call of <paramref name="delivery"/> and what to send its container.</summary>
    /// <param name="trigger">The nats trigger that received the message.</param>
    /// <param name="delivery">The message.</param>
    /// <param name="createdAt">The call's creation time (now, on the server's clock).</param>
    public static (Call Call, CallPayload Payload) Map(Trigger trigger, NatsDelivery delivery, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        ArgumentNullException.ThrowIfNull(delivery);
        var call = new Call
        {
            Id = CallIdOf(trigger, delivery),
            AppId = trigger.AppId,
            FnId = trigger.FnId,
            Type = CallTypes.Detached,
            Status = CallStates.Queued,
            CreatedAt = createdAt,
        };
        var contentType = delivery.Headers.FirstOrDefault(h => string.Equals(h.Key, "Content-Type", StringComparison.OrdinalIgnoreCase) && h.Value.Trim().Length > 0).Value?.Trim() ?? DefaultContentType;
        IReadOnlyList<KeyValuePair<string, string>> headers =
        [
            KeyValuePair.Create("Content-Type", contentType),
            KeyValuePair.Create(SubjectHeader, delivery.Subject),
            KeyValuePair.Create(SequenceHeader, delivery.StreamSequence.ToString(CultureInfo.InvariantCulture)),
        ];
        return (call, new CallPayload(headers, delivery.Data.ToArray()));
    }
}
