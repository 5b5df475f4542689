namespace FnSharp.Core.Storage;

/// <summary>
/// Which resources a list returns: those after a cursor position, optionally of one app, fn or
/// name. Lists are ordered by name, then id (ordinal, byte order of UTF-8).
/// </summary>
public sealed record ListFilter
{
    /// <summary>Page size used when none is asked for.</summary>
    public const int DefaultPerPage = 30;

    /// <summary>Largest page size.</summary>
    public const int MaxPerPage = 100;

    /// <summary>
    /// Only resources whose name sorts after this one (or equal to it with an id after
    /// <see cref="AfterId"/>); <see langword="null"/> from the start.
    /// </summary>
    public string? AfterName { get; init; }

    /// <summary>
    /// With <see cref="AfterName"/>: also resources of exactly that name whose id sorts after this one.
    /// Names are unique within an app, but lists across apps (or triggers across fns) can repeat a name.
    /// </summary>
    public string? AfterId { get; init; }

    /// <summary>Only resources of this app, when set.</summary>
    public string? AppId { get; init; }

    /// <summary>Only triggers of this fn, when set (trigger lists only).</summary>
    public string? FnId { get; init; }

    /// <summary>Only the resource of exactly this name, when set.</summary>
    public string? Name { get; init; }

    /// <summary>How many resources a page holds, 1..100.</summary>
    public int PerPage { get; init; } = DefaultPerPage;
}
