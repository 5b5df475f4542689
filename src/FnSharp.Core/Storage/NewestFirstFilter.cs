namespace FnSharp.Core.Storage;

/// <summary>
/// What the lists of records newest first (a fn's calls, the audit log) filter alike: a page of at most
/// <see cref="PerPage"/> records before an id cursor, within a time window.
/// </summary>
public abstract record NewestFirstFilter
{
    /// <summary>Only records whose id sorts before this one (the cursor: the last id of the previous page); <see langword="null"/> from the newest.</summary>
    public string? BeforeId { get; init; }

    /// <summary>Only records of this time or later (a call's creation, an audit entry's time), when set.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only records of before this time, when set.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>How many records a page holds, 1..100.</summary>
    public int PerPage { get; init; } = ListFilter.DefaultPerPage;
}
