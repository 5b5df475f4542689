namespace FnSharp.Core.Storage;

/// <summary>Which audit entries <see cref="IAuditStore.GetAuditEntriesAsync"/> returns, newest first.</summary>
public sealed record AuditFilter : NewestFirstFilter
{
    /// <summary>Only entries made with this key, when set.</summary>
    public string? KeyId { get; init; }

    /// <summary>Only entries about this app, when set.</summary>
    public string? AppId { get; init; }
}
