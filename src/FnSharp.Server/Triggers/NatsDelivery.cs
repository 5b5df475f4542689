namespace FnSharp.Server.Triggers;

/// <summary>
/// One JetStream message as a nats trigger receives it, without the client library's types, so that
/// <see cref="NatsMessageCall"/> is a pure function.
/// </summary>
/// <param name="Subject">The subject it was published on.</param>
/// <param name="Data">Its payload.</param>
/// <param name="Headers">Its NATS headers (a name may repeat), empty when it has none.</param>
/// <param name="Stream">The stream that holds it.</param>
/// <param name="StreamSequence">Its sequence number in <paramref name="Stream"/>: the same at every delivery.</param>
/// <param name="Timestamp">When the stream stored it (UTC).</param>
/// <param name="NumDelivered">How many times JetStream delivered it, this time included (1 the first time).</param>
internal sealed record NatsDelivery(
    string Subject,
    ReadOnlyMemory<byte> Data,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string Stream,
    ulong StreamSequence,
    DateTimeOffset Timestamp,
    ulong NumDelivered);
