namespace FnSharp.Core.Storage;

/// <summary>Which audit entries <see cref="IAuditStore.GetAuditEntriesAsync"/> returns.</summary>
public sealed record AuditFilter
{
    /// <summary>Only entries whose id sorts before this one (the cursor: the last id of the previous page); <see langword="null"/> from the newest.</summary>
    public string? BeforeId { get; init; }

    /// <summary>Only entries made with this key, when set.</summary>
    public string? KeyId { get; init; }

    /// <summary>Only entries about this app, when set.</summary>
    public string? AppId { get; init; }

    /// <summary>Only entries at or after this time, when set.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only entries before this time, when set.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>How many entries a page holds, 1..100.</summary>
    public int PerPage { get; init; } = ListFilter.DefaultPerPage;
}
