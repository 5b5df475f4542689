using FnSharp.Agent.Calls;

namespace FnSharp.Server.Detached;

/// <summary>What became of one attempt of a detached call (told to each <see cref="IDetachedCallObserver"/>).</summary>
/// <param name="CallId">The call.</param>
/// <param name="Settlement">Where the call is now.</param>
/// <param name="Status">How the attempt ended in the agent, when it reached it.</param>
internal sealed record DetachedAttempt(string CallId, DetachedSettlement Settlement, CallStatus? Status);
