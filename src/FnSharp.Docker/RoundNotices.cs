namespace FnSharp.Docker;

/// <summary>
/// What a clean-up that runs in rounds (<see cref="ImageCleaner"/>, <see cref="Runc.RootfsCleaner"/>, every
/// pruning period, through <see cref="LeastRecentlyUsedCleanup"/>, which begins and ends each round) said in its last round, so that a state that lasts is said once, not every round: the budget
/// exceeded by the same items, an item kept for the same reason. A new state is said again, and an item's notice
/// again once a round went without it. Not thread-safe: one round at a time.
/// </summary>
internal sealed class RoundNotices
{
    private (int Count, long Bytes)? _overBudget;
    private HashSet<string> _kept = new(StringComparer.Ordinal);
    private HashSet<string> _keptThisRound = new(StringComparer.Ordinal);

    /// <summary>Starts a round: the items kept in it are compared with those of the round before.</summary>
    public void BeginRound() => _keptThisRound = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Ends a round: an item not kept in it is said again the next time it is.</summary>
    public void EndRound() => _kept = _keptThisRound;

    /// <summary>Whether the budget exceeded by <paramref name="count"/> items of <paramref name="bytes"/> in all is news since the last time it was said.</summary>
    public bool OverBudgetIsNew(int count, long bytes)
    {
        var isNew = _overBudget != (count, bytes);
        _overBudget = (count, bytes);
        return isNew;
    }

    /// <summary>Marks the items back within the budget (a round with nothing to do), so that a later excess, and what it keeps, is said however it looks.</summary>
    public void WithinBudget()
    {
        _overBudget = null;
        _kept = new HashSet<string>(StringComparer.Ordinal);
    }

    /// <summary>Whether <paramref name="key"/> (an item and why it was kept) is news since the round before.</summary>
    public bool KeptIsNew(string key) => _keptThisRound.Add(key) && !_kept.Contains(key);
}
