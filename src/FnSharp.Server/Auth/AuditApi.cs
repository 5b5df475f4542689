namespace FnSharp.Server.Auth;

/// <summary><c>GET /v2/audit</c>, an FnSharp extension (<c>docs/api.md</c>, "Audit log"): the changes made through the API, newest first. Admin keys only.</summary>
internal static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v2/audit", ListAudit).RequireAdmin();
        return routes;
    }

    /// <summary>
    /// One page of entries, newest first: <c>{"items":[...],"next_cursor":"..."}</c>. Filters: <c>key_id</c>,
    /// <c>app_id</c>, <c>from_time</c> and <c>to_time</c> (RFC 3339 or Unix seconds), <c>per_page</c> (30, at
    /// most 100); 400 for a bad time or cursor.
    /// </summary>
    public static async Task<IResult> ListAudit(AuthStore store, string? cursor, string? per_page, string? key_id, string? app_id, string? from_time, string? to_time, CancellationToken cancellationToken)
    {
        var filter = Cursor.NewestFirst(new AuditFilter { KeyId = AppsApi.NullIfEmpty(key_id), AppId = AppsApi.NullIfEmpty(app_id) }, cursor, per_page, from_time, to_time);
        var page = await store.Audit.GetAuditEntriesAsync(filter, cancellationToken);
        return TypedResults.Ok(new ListBody<AuditEntry>(page.Items, Cursor.NextId(page, static e => e.Id)));
    }
}
