namespace FnSharp.Server.Auth;

/// <summary>
/// <c>/v2/keys</c>, an FnSharp extension (<c>docs/api.md</c>, "Keys"): create a key (its token shown once),
/// list and get keys (never a token or its hash), revoke a key. Admin keys only.
/// </summary>
internal static class KeysApi
{
    /// <summary>404: no key with that id.</summary>
    public static readonly ApiError KeyNotFound = new(404, "Key not found");

    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder routes)
    {
        var keys = routes.MapGroup("/v2/keys");
        keys.MapPost("", CreateKey).RequireAdmin();
        keys.MapGet("", ListKeys).RequireAdmin();
        keys.MapGet("/{keyID}", GetKey).RequireAdmin();
        keys.MapDelete("/{keyID}", RevokeKey).RequireAdmin();
        return routes;
    }

    /// <summary>200 with the key and its <c>token</c>; 400 for a bad name or scope (a scope's app must exist).</summary>
    public static async Task<IResult> CreateKey(HttpRequest request, KeyService keys, IOptions<ServerOptions> options, CancellationToken cancellationToken)
    {
        var body = await ApiJson.ReadAsync<KeyRequest>(request, options.Value.MaxRequestSize, cancellationToken);
        return TypedResults.Ok(await keys.CreateAsync(body, Access.CallerOf(request.HttpContext).KeyId, cancellationToken));
    }

    /// <summary>One page of keys, oldest first, revoked ones included: <c>{"items":[...],"next_cursor":"..."}</c>.</summary>
    public static async Task<IResult> ListKeys(AuthStore store, string? cursor, string? per_page, CancellationToken cancellationToken)
    {
        var page = await store.Keys.GetKeysAsync(Cursor.DecodeId(cursor), Cursor.PageSize(per_page), cancellationToken);
        return TypedResults.Ok(new ListBody<ApiKey>(page.Items, Cursor.NextId(page, static k => k.Id)));
    }

    /// <summary>200 with the key, or 404.</summary>
    public static async Task<IResult> GetKey(string keyID, AuthStore store, CancellationToken cancellationToken) =>
        await store.Keys.GetKeyAsync(keyID, cancellationToken) is { } stored ? TypedResults.Ok(stored.Key) : throw new ApiException(KeyNotFound);

    /// <summary>204 after revoking the key (again, for a revoked one), or 404.</summary>
    public static async Task<IResult> RevokeKey(string keyID, KeyService keys, CancellationToken cancellationToken) =>
        await keys.RevokeAsync(keyID, cancellationToken) is not null ? TypedResults.NoContent() : throw new ApiException(KeyNotFound);
}
