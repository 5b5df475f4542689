using FnSharp.Agent.Resources;

namespace FnSharp.Agent.Runner.Eviction;

/// <summary>
/// The memory reservations of container starts, granted in the order they were asked for. A start whose
/// memory is free (or can be freed by evicting idle containers of other queues, <see cref="Evictor"/>)
/// and that finds nobody waiting reserves at once; otherwise it waits in line, and each time memory is
/// released or a container turns idle (<see cref="Kick"/>) the line is served from its head: the oldest
/// start gets the memory first, and a start that does not fit yet holds back the ones behind it, so that a
/// small fn never overtakes a larger one for ever. A start for detached calls that only the async share
/// holds back (the total would fit) does not hold back synchronous starts behind it: the async share keeps
/// room for synchronous calls. A start waits until its memory is reserved or the runner stops; it never
/// depends on its caller (a start whose caller left still yields a hot container). Before, a start without
/// memory failed and its queue asked again on a timer, so whichever queue's timer fired first after a
/// release won, in no order.
/// </summary>
internal sealed class MemoryLine
{
    private readonly ResourceTracker _tracker;
    private readonly Evictor _evictor;
    private readonly Action<bool, int>? _granted;
    private readonly Lock _lock = new();
    private readonly LinkedList<MemoryLineEntry> _line = new();
    private bool _serving;
    private bool _again;

    /// <summary>Creates the line over the node's reservations.</summary>
    /// <param name="tracker">The memory reservations.</param>
    /// <param name="evictor">Makes room by evicting idle containers of other queues.</param>
    /// <param name="granted">
    /// Hears each reservation granted, under no lock: whether it counts against the async share, and how many
    /// starts of the same pool asked before it still waited then (0 when the line keeps its order).
    /// </param>
    public MemoryLine(ResourceTracker tracker, Evictor evictor, Action<bool, int>? granted = null)
    {
        _tracker = tracker;
        _evictor = evictor;
        _granted = granted;
    }

    /// <summary>Starts waiting in line now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _line.Count;
            }
        }
    }

    /// <summary>
    /// Reserves <paramref name="memoryMiB"/> for a container of the slot queue <paramref name="slotKey"/> (fn
    /// <paramref name="fnId"/>), in its turn: true once reserved, false only when <paramref name="cancellationToken"/>
    /// (the runner's stop) ended the wait first, or its queue withdrew it (<see cref="Withdraw(string)"/>). <paramref name="waiting"/> is called, once and under no lock, when
    /// the start has to wait, with the number of starts ahead of it.
    /// </summary>
    public async Task<bool> ReserveAsync(string slotKey, string fnId, long memoryMiB, bool asyncPool, Action<int>? waiting, CancellationToken cancellationToken)
    {
        var entry = new MemoryLineEntry(slotKey, fnId, memoryMiB, asyncPool);
        bool reserved;
        lock (_lock)
        {
            // Nobody waits and it fits: at once; else behind the others.
            reserved = _line.Count == 0 && _tracker.TryReserve(memoryMiB, asyncPool);
            if (!reserved)
            {
                entry.Node = _line.AddLast(entry);
            }
        }

        if (reserved)
        {
            _granted?.Invoke(asyncPool, 0);
            return true;
        }

        await ServeAsync();
        if (!entry.Done.Task.IsCompleted)
        {
            waiting?.Invoke(Ahead(entry));
        }

        await using var stop = cancellationToken.Register(
            static state =>
            {
                var (line, withdrawn) = ((MemoryLine, MemoryLineEntry))state!;
                line.Withdraw(withdrawn);
            },
            (this, entry));
        return await entry.Done.Task;
    }

    /// <summary>Memory was released, or a container turned idle and may be evicted: serves the line again (on the thread pool, under no caller's lock).</summary>
    public void Kick()
    {
        lock (_lock)
        {
            if (_line.Count == 0)
            {
                return;
            }
        }

        ThreadPool.UnsafeQueueUserWorkItem(static line => _ = line.ServeAsync(), this, preferLocal: false);
    }

    /// <summary>
    /// How many starts wait in line ahead of the first start of the slot queue <paramref name="slotKey"/>, and how many
    /// wait in all; <see langword="null"/> when none of its starts waits. A leaf lock: safe under a slot queue's.
    /// </summary>
    public (int Ahead, int Waiting)? PlaceOf(string slotKey)
    {
        lock (_lock)
        {
            var ahead = 0;
            for (var node = _line.First; node is not null; node = node.Next)
            {
                if (string.Equals(node.Value.SlotKey, slotKey, StringComparison.Ordinal))
                {
                    return (ahead, _line.Count);
                }

                ahead++;
            }

            return null;
        }
    }

    /// <summary>How many starts wait ahead of <paramref name="entry"/>.</summary>
    private int Ahead(MemoryLineEntry entry)
    {
        lock (_lock)
        {
            var ahead = 0;
            for (var node = _line.First; node is not null && node.Value != entry; node = node.Next)
            {
                ahead++;
            }

            return ahead;
        }
    }

    /// <summary>
    /// Withdraws the starts of the slot queue <paramref name="slotKey"/> still waiting (its calls no longer need
    /// them): each ends without memory, and the starts behind them move up.
    /// </summary>
    public void Withdraw(string slotKey)
    {
        List<MemoryLineEntry> withdrawn = [];
        lock (_lock)
        {
            for (var node = _line.First; node is not null;)
            {
                var next = node.Next;
                if (string.Equals(node.Value.SlotKey, slotKey, StringComparison.Ordinal))
                {
                    _line.Remove(node);
                    node.Value.Node = null;
                    withdrawn.Add(node.Value);
                }

                node = next;
            }
        }

        foreach (var entry in withdrawn)
        {
            entry.Done.TrySetResult(false);
        }

        if (withdrawn.Count > 0)
        {
            Kick();
        }
    }

    private void Withdraw(MemoryLineEntry entry)
    {
        lock (_lock)
        {
            if (entry.Node?.List is null)
            {
                return;
            }

            _line.Remove(entry.Node);
            entry.Node = null;
        }

        entry.Done.TrySetResult(false);
    }

    /// <summary>
    /// Serves the line from its head until a start cannot have its memory, on the caller's thread (<see cref="Kick"/>
    /// does it on the pool); one server at a time: while one serves, a second call makes it serve again.
    /// </summary>
    public async Task ServeAsync()
    {
        lock (_lock)
        {
            if (_serving)
            {
                _again = true;
                return;
            }

            _serving = true;
        }

        while (true)
        {
            var asyncHeldBack = false;
            var next = First();
            while (next is not null)
            {
                var entry = next.Value;
                if (entry.AsyncPool && asyncHeldBack)
                {
                    next = Next(next);
                    continue;
                }

                if (_tracker.TryReserve(entry.MemoryMiB, entry.AsyncPool) || await _evictor.TryReserveAsync(entry.SlotKey, entry.FnId, entry.MemoryMiB, entry.AsyncPool))
                {
                    var after = Next(next);
                    Grant(entry);
                    next = after;
                    continue;
                }

                if (entry.AsyncPool && _tracker.Free().TotalMiB >= entry.MemoryMiB)
                {
                    // Only the async share holds it back: synchronous starts behind it go on.
                    asyncHeldBack = true;
                    next = Next(next);
                    continue;
                }

                break;
            }

            lock (_lock)
            {
                if (!_again)
                {
                    _serving = false;
                    return;
                }

                _again = false;
            }
        }
    }

    private LinkedListNode<MemoryLineEntry>? First()
    {
        lock (_lock)
        {
            return _line.First;
        }
    }

    /// <summary>The entry after <paramref name="node"/>, or the head again when it left the line meanwhile (withdrawn at a stop).</summary>
    private LinkedListNode<MemoryLineEntry>? Next(LinkedListNode<MemoryLineEntry> node)
    {
        lock (_lock)
        {
            return node.List is null ? _line.First : node.Next;
        }
    }

    /// <summary>Hands a reservation made for <paramref name="entry"/> to it, or gives it back when the entry was withdrawn meanwhile.</summary>
    private void Grant(MemoryLineEntry entry)
    {
        var overtaken = -1;
        lock (_lock)
        {
            if (entry.Node?.List is not null)
            {
                overtaken = 0;
                for (var node = entry.Node.Previous; node is not null; node = node.Previous)
                {
                    overtaken += node.Value.AsyncPool == entry.AsyncPool ? 1 : 0;
                }

                _line.Remove(entry.Node);
                entry.Node = null;
            }
        }

        if (overtaken < 0)
        {
            _tracker.Release(entry.MemoryMiB, entry.AsyncPool);
            return;
        }

        _granted?.Invoke(entry.AsyncPool, overtaken);
        entry.Done.TrySetResult(true);
    }
}
