namespace FnSharp.Docker;

/// <summary>
/// The one rule of FnSharp's clean-ups of what images take on disk (Fn's <c>FN_IMAGE_CLEAN_MAX_SIZE</c>): while the
/// items take more than the budget, the least recently used of those unused since a time goes first, until they fit.
/// The caller says which items may not go (a fn names it, a container uses it) by refusing to remove them, and how many
/// bytes each removal freed. The pulled images (<see cref="ImageCleaner"/>) and the runc driver's unpacked root
/// filesystems (<see cref="Runc.RootfsCleaner"/>) are both cleaned by it.
/// </summary>
internal static class LeastRecentlyUsedCleanup
{
    /// <summary>One round over <paramref name="items"/>; returns those removed, in the order they went.</summary>
    /// <typeparam name="T">An item that takes room: an image, a root filesystem.</typeparam>
    /// <param name="items">Every item the budget counts. Items last used at the same time go in this order.</param>
    /// <param name="sizeOf">The bytes an item takes.</param>
    /// <param name="lastUsedOf">When an item was last used (UTC).</param>
    /// <param name="maxBytes">The budget, in bytes; nothing goes while the items fit in it.</param>
    /// <param name="unusedSince">Only items last used at or before it may go (now less the minimum age).</param>
    /// <param name="overBudget">Told the items' total, in bytes, when it is over the budget and that excess (its count and total) is news to <paramref name="notices"/>.</param>
    /// <param name="tryRemoveAsync">
    /// Removes an item, returning the bytes that freed (0 when it is gone only in part), or <see langword="null"/> when
    /// the item may not go or could not be removed: the round goes on to the next.
    /// </param>
    /// <param name="notices">What the caller's earlier rounds said; this round is begun and ended on it.</param>
    /// <param name="cancellationToken">Ends the round.</param>
    public static async Task<IReadOnlyList<T>> RunAsync<T>(
        IReadOnlyCollection<T> items,
        Func<T, long> sizeOf,
        Func<T, DateTimeOffset> lastUsedOf,
        long maxBytes,
        DateTimeOffset unusedSince,
        Action<long> overBudget,
        Func<T, Task<long?>> tryRemoveAsync,
        RoundNotices notices,
        CancellationToken cancellationToken)
    {
        var total = items.Sum(sizeOf);
        if (total <= maxBytes)
        {
            notices.WithinBudget();
            return [];
        }

        if (notices.OverBudgetIsNew(items.Count, total))
        {
            overBudget(total);
        }

        notices.BeginRound();
        var removed = new List<T>();
        foreach (var item in items.Where(i => lastUsedOf(i) <= unusedSince).OrderBy(lastUsedOf))
        {
            if (total <= maxBytes)
            {
                break;
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (await tryRemoveAsync(item) is { } freed)
            {
                removed.Add(item);
                total -= freed;
            }
        }

        notices.EndRound();
        return removed;
    }
}
