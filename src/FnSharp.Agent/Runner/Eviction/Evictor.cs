using System.Collections.Concurrent;
using FnSharp.Agent.Resources;
using FnSharp.Agent.Runner.Containers;
using Microsoft.Extensions.Logging;

namespace FnSharp.Agent.Runner.Eviction;

/// <summary>
/// Makes room for a container that cannot reserve its memory by stopping idle containers of other slot
/// queues, least recently used first, and only when that frees enough (Fn's <c>evictor.go</c>, whose
/// tokens are the offers here). A slot queue offers each container that turns idle, with how to take it
/// back, and withdraws the offer when it gives the container to a call; busy containers are never
/// offered, so never evicted. One eviction runs at a time, so that two launches never count on the same
/// container.
/// </summary>
internal sealed class Evictor
{
    private readonly ConcurrentDictionary<HotContainer, EvictionOffer> _offers = new();
    private readonly Lock _lock = new();
    private readonly ResourceTracker _tracker;
    private readonly Func<HotContainer, Task> _remove;
    private readonly AgentMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Action? _offered;

    /// <summary>Creates the evictor.</summary>
    /// <param name="tracker">The memory reservations it frees and then reserves from.</param>
    /// <param name="remove">Removes an evicted container and releases its memory; never throws.</param>
    /// <param name="metrics">Counts evictions.</param>
    /// <param name="logger">Logs each eviction.</param>
    /// <param name="offered">Hears each offer (a start waiting for memory may evict it); called under the offering queue's lock, so it must only schedule work.</param>
    public Evictor(ResourceTracker tracker, Func<HotContainer, Task> remove, AgentMetrics metrics, ILogger logger, Action? offered = null)
    {
        _offered = offered;
        _tracker = tracker;
        _remove = remove;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>
    /// Offers an idle <paramref name="container"/> of the slot queue <paramref name="slotKey"/>, idle since
    /// <paramref name="idleSince"/> (a timestamp of the runner's clock). <paramref name="take"/> takes it
    /// out of its queue for eviction and says whether it was still idle there; it is called under no lock
    /// of the queue's and may take that queue's lock.
    /// </summary>
    public void Offer(HotContainer container, string slotKey, long idleSince, Func<HotContainer, bool> take)
    {
        _offers[container] = new EvictionOffer(slotKey, idleSince, take);
        _offered?.Invoke();
    }

    /// <summary>Withdraws the offer of <paramref name="container"/> (its queue gave it out, or removes it).</summary>
    public void Withdraw(HotContainer container) => _offers.TryRemove(container, out _);

    /// <summary>
    /// Reserves <paramref name="memoryMiB"/> for a container of the slot queue <paramref name="slotKey"/> (fn
    /// <paramref name="fnId"/>) after evicting what <see cref="Choose"/> picks among the other queues' idle
    /// containers; false, with nothing evicted, when even all of them would not make room.
    /// </summary>
    public async Task<bool> TryReserveAsync(string slotKey, string fnId, long memoryMiB, bool asyncPool)
    {
        List<HotContainer> taken = [];
        lock (_lock)
        {
            var (freeTotal, freeAsync) = _tracker.Free();
            var candidates = _offers
                .Where(o => !string.Equals(o.Value.SlotKey, slotKey, StringComparison.Ordinal))
                .OrderBy(o => o.Value.IdleSince)
                .Select(o => (Container: o.Key, Offer: o.Value))
                .ToList();
            var chosen = Choose([.. candidates.Select(c => new EvictionCandidate(c.Container.MemoryMiB, c.Container.AsyncPool))], freeTotal, freeAsync, memoryMiB, asyncPool);
            if (chosen is null)
            {
                return false;
            }

            foreach (var index in chosen)
            {
                var (container, offer) = candidates[index];
                if (_offers.TryRemove(new KeyValuePair<HotContainer, EvictionOffer>(container, offer)) && offer.Take(container))
                {
                    taken.Add(container);
                }
            }
        }

        foreach (var container in taken)
        {
            _metrics.Evictions.Add(1, AgentMetrics.Fn(container.FnId));
            RunnerLog.Evicted(_logger, container.Container.Id, container.FnId, fnId);
        }

        await Task.WhenAll(taken.Select(_remove));
        return _tracker.TryReserve(memoryMiB, asyncPool);
    }

    /// <summary>
    /// Which idle containers to stop so that <paramref name="memoryMiB"/> fits (pure): the fewest of
    /// <paramref name="leastRecentlyUsedFirst"/>, in that order, that make room. Every container frees total
    /// memory, but only one started for async calls frees room in the async share: for an
    /// <paramref name="asyncPool"/> launch a sync container is chosen only while total memory is the binding
    /// limit. Returns the indexes chosen, or <see langword="null"/> when all of them would not make room in
    /// both limits.
    /// </summary>
    /// <param name="leastRecentlyUsedFirst">The idle containers of other queues, the longest idle first.</param>
    /// <param name="freeTotalMiB">Memory free now in total, in MiB.</param>
    /// <param name="freeAsyncMiB">Memory free now within the async share, in MiB.</param>
    /// <param name="memoryMiB">Memory the new container needs, in MiB.</param>
    /// <param name="asyncPool">Whether the new container is started for async calls.</param>
    public static IReadOnlyList<int>? Choose(IReadOnlyList<EvictionCandidate> leastRecentlyUsedFirst, long freeTotalMiB, long freeAsyncMiB, long memoryMiB, bool asyncPool)
    {
        ArgumentNullException.ThrowIfNull(leastRecentlyUsedFirst);
        var chosen = new List<int>();
        var freedTotal = 0L;
        var freedAsync = 0L;
        for (var i = 0; i < leastRecentlyUsedFirst.Count; i++)
        {
            // What is still missing from each limit; a sync launch has only the total.
            var totalShort = memoryMiB - (freeTotalMiB + freedTotal);
            var asyncShort = asyncPool ? memoryMiB - (freeAsyncMiB + freedAsync) : 0;
            if (totalShort <= 0 && asyncShort <= 0)
            {
                break;
            }

            var candidate = leastRecentlyUsedFirst[i];
            if (!candidate.AsyncPool && totalShort <= asyncShort)
            {
                // The async share is the binding limit, and a sync container frees none of it.
                continue;
            }

            chosen.Add(i);
            freedTotal += candidate.MemoryMiB;
            if (candidate.AsyncPool)
            {
                freedAsync += candidate.MemoryMiB;
            }
        }

        var enough = freeTotalMiB + freedTotal >= memoryMiB && (!asyncPool || freeAsyncMiB + freedAsync >= memoryMiB);
        return enough ? chosen : null;
    }
}
