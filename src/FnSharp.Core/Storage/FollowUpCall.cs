using FnSharp.Core.Models;

namespace FnSharp.Core.Storage;

/// <summary>
/// A detached call queued in the same transaction as the end of another (a destination of it,
/// <c>docs/api.md</c>, "Destinations"): stored only if that end is, so it is queued exactly once per end,
/// whichever node ends the call and whenever a node crashes.
/// </summary>
/// <param name="Call">The call, as <see cref="ICallStore.EnqueueCallAsync"/> takes one (queued, detached, zero attempts).</param>
/// <param name="Payload">What to send to its container.</param>
public sealed record FollowUpCall(Call Call, CallPayload Payload);
