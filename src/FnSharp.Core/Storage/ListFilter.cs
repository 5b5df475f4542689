namespace FnSharp.Core.Storage;

/// <summary>Which resources a list returns: those after a cursor, optionally of one app or name.</summary>
public sealed record ListFilter
{
    /// <summary>Page size used when none is asked for.</summary>
    public const int DefaultPerPage = 30;

    /// <summary>Largest page size.</summary>
    public const int MaxPerPage = 100;

    /// <summary>Only resources whose name sorts after this one (ordinal); <see langword="null"/> from the start.</summary>
    public string? AfterName { get; init; }

    /// <summary>Only resources of this app, when set.</summary>
    public string? AppId { get; init; }

    /// <summary>Only the resource of exactly this name, when set.</summary>
    public string? Name { get; init; }

    /// <summary>How many resources a page holds, 1..100.</summary>
    public int PerPage { get; init; } = DefaultPerPage;
}
