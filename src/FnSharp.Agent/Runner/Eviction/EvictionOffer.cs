using FnSharp.Agent.Runner.Containers;

namespace FnSharp.Agent.Runner.Eviction;

/// <summary>
/// An idle container's offer to the <see cref="Evictor"/> (Fn's eviction token). Compared by reference: a
/// container offered again after a call is a new offer, and the evictor takes only the offer it chose.
/// </summary>
internal sealed class EvictionOffer
{
    public EvictionOffer(string slotKey, long idleSince, Func<HotContainer, bool> take)
    {
        SlotKey = slotKey;
        IdleSince = idleSince;
        Take = take;
    }

    /// <summary>The slot queue that holds the container; a launch never evicts from its own queue.</summary>
    public string SlotKey { get; }

    /// <summary>When the container turned idle (a timestamp of the runner's clock); the longest idle go first.</summary>
    public long IdleSince { get; }

    /// <summary>Takes the container out of its queue; false if the queue gave it out meanwhile.</summary>
    public Func<HotContainer, bool> Take { get; }
}
