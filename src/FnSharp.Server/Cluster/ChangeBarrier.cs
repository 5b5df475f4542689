using System.Collections.Concurrent;
using System.Globalization;

namespace FnSharp.Server.Cluster;

/// <summary>
/// The acknowledgements that make a change through this node visible to every other live node before
/// its API answer (<see cref="ChangeSync"/>): each sync has a number, the nodes it waits for, and a task
/// that completes once all of them acknowledged. Messages travel on the store's change feed as
/// <c>sync␟N␟WRITER</c> and <c>ack␟N␟WRITER␟NODE</c> (␟ is U+001F). A node that let a sync time out is
/// skipped, not waited for, until it acknowledges a sync of this node (that one late, or a later one: either shows it has
/// caught up), so that a node that died, or whose feed is down, costs one bounded wait and no more.
/// </summary>
internal sealed class ChangeBarrier(string self)
{
    private const char Separator = '\u001f';
    private const string SyncKind = "sync";
    private const string AckKind = "ack";

    private readonly ConcurrentDictionary<long, Pending> _pending = new();

    // The nodes that let a sync time out and have not acknowledged one since (the values are unused).
    private readonly ConcurrentDictionary<string, bool> _skipped = new(StringComparer.Ordinal);
    private long _next;

    /// <summary>The message that asks every node to acknowledge sync <paramref name="number"/> of this node.</summary>
    public string SyncMessage(long number) => string.Join(Separator, SyncKind, number.ToString(CultureInfo.InvariantCulture), self);

    /// <summary>The acknowledgement of sync <paramref name="number"/> of <paramref name="writer"/>, from this node.</summary>
    public string AckMessage(long number, string writer) => string.Join(Separator, AckKind, number.ToString(CultureInfo.InvariantCulture), writer, self);

    /// <summary>Reads a message: its kind, and for a sync or an ack its number and writer.</summary>
    public static (ChangeMessageKind Kind, long Number, string Writer, string Node) Read(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var parts = message.Split(Separator);
        return parts switch
        {
            [SyncKind, var n, var writer] when long.TryParse(n, CultureInfo.InvariantCulture, out var number) => (ChangeMessageKind.Sync, number, writer, writer),
            [AckKind, var n, var writer, var node] when long.TryParse(n, CultureInfo.InvariantCulture, out var number) => (ChangeMessageKind.Ack, number, writer, node),
            _ => (ChangeMessageKind.Change, 0, "", ""),
        };
    }

    /// <summary>Whether sync messages of <paramref name="writer"/> are this node's own.</summary>
    public bool IsSelf(string writer) => writer == self;

    /// <summary>Whether <paramref name="node"/> is skipped: it let a sync time out and has not acknowledged one since.</summary>
    public bool Skips(string node) => _skipped.ContainsKey(node);

    /// <summary>Opens a sync that waits for <paramref name="nodes"/>; returns its number and the task that completes when all acknowledged.</summary>
    public (long Number, Task Acknowledged) Open(IReadOnlyCollection<string> nodes)
    {
        var number = Interlocked.Increment(ref _next);
        var pending = new Pending(nodes);
        _pending[number] = pending;
        return (number, pending.Done.Task);
    }

    /// <summary>
    /// Records <paramref name="node"/>'s acknowledgement of this node's sync <paramref name="number"/>, open or
    /// already closed: either way the node has caught up to it, and is no longer skipped.
    /// </summary>
    public void Acknowledged(long number, string node)
    {
        _skipped.TryRemove(node, out _);
        if (_pending.TryGetValue(number, out var pending))
        {
            pending.Remove(node);
        }
    }

    /// <summary>Closes sync <paramref name="number"/> and returns the nodes that did not acknowledge it.</summary>
    public IReadOnlyList<string> Close(long number) =>
        _pending.TryRemove(number, out var pending) ? pending.Missing() : [];

    /// <summary>Skips <paramref name="nodes"/>, which let a sync pass, until each acknowledges one, late or later.</summary>
    public void Skip(IEnumerable<string> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        foreach (var node in nodes)
        {
            _skipped[node] = true;
        }
    }

    private sealed class Pending(IReadOnlyCollection<string> nodes)
    {
        private readonly HashSet<string> _waiting = new(nodes, StringComparer.Ordinal);

        public TaskCompletionSource Done { get; } = NewDone(nodes.Count == 0);

        public void Remove(string node)
        {
            lock (_waiting)
            {
                if (_waiting.Remove(node) && _waiting.Count == 0)
                {
                    Done.TrySetResult();
                }
            }
        }

        public List<string> Missing()
        {
            lock (_waiting)
            {
                return [.. _waiting.Order(StringComparer.Ordinal)];
            }
        }

        private static TaskCompletionSource NewDone(bool already)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (already)
            {
                done.TrySetResult();
            }

            return done;
        }
    }
}
