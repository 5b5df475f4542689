using FnSharp.Agent.Runner.Containers;

namespace FnSharp.Agent.Runner.Eviction;

/// <summary>
/// An idle container's offer to the <see cref="Evictor"/> (Fn's eviction token). Compared by reference: a
/// container offered again after a call is a new offer, and the evictor takes only the offer it chose.
/// </summary>
/// <param name="slotKey">The slot queue that holds the container; a launch never evicts from its own queue.</param>
/// <param name="idleSince">When the container turned idle (a timestamp of the runner's clock); the longest idle go first.</param>
/// <param name="take">Takes the container out of its queue; false if the queue gave it out meanwhile.</param>
internal sealed class EvictionOffer(string slotKey, long idleSince, Func<HotContainer, bool> take)
{
    public string SlotKey => slotKey;

    public long IdleSince => idleSince;

    public Func<HotContainer, bool> Take => take;
}
