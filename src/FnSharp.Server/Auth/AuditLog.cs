using FnSharp.Core.Ids;

namespace FnSharp.Server.Auth;

/// <summary>
/// Writes audit entries: who (the key of the request), what (the route and resource) and when, in the
/// store, before the change is answered. A failure to write is logged as an error and the answer goes out
/// anyway, since the change itself is already made.
/// </summary>
internal sealed partial class AuditLog(AuthStore store, IdGenerator ids, TimeProvider time, ILogger<AuditLog> logger)
{
    /// <summary>Records the change <paramref name="context"/> made.</summary>
    /// <param name="context">The request, whose <see cref="RequestAccess"/> names the caller.</param>
    /// <param name="status">The success status answered.</param>
    /// <param name="resourceId">The resource created, changed or removed, when known.</param>
    /// <param name="appId">The app concerned, when known.</param>
    public async Task RecordAsync(HttpContext context, int status, string? resourceId, string? appId)
    {
        ArgumentNullException.ThrowIfNull(context);
        var caller = Access.CallerOf(context);
        var pattern = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value ?? "";
        var entry = new AuditEntry
        {
            Id = ids.NewId(),
            Time = ApiTime.Now(time),
            KeyId = caller.KeyId,
            KeyName = caller.KeyName,
            RemoteAddress = context.Connection.RemoteIpAddress?.ToString(),
            Action = $"{context.Request.Method} {pattern}",
            Path = context.Request.Path.Value ?? "",
            Status = status,
            ResourceId = resourceId,
            AppId = appId,
        };
        try
        {
            // Not cancelled by the client going away: the change is made, so its entry is written.
            await store.Audit.InsertAuditEntryAsync(entry, CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogWriteFailed(logger, e, entry.Action, entry.Path, entry.KeyId ?? "-");
        }
    }

    // Event ids 1700-1799 belong to auth: 1740-1749 to the audit log.
    [LoggerMessage(1740, LogLevel.Error, "The audit entry of {Action} ({Path}) by key {KeyId} could not be written; the change was made")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string action, string path, string keyId);
}
