using FnSharp.Agent.Runner;
using FnSharp.Core.Ids;
using FnSharp.Core.Updates;
using FnSharp.Core.Validation;
using FnSharp.Server.Cluster;

namespace FnSharp.Server.Apis;

/// <summary><c>/v2/apps</c>: create, list, get, update and delete apps (<c>fn-compat.md</c> section 2).</summary>
internal static class AppsApi
{
    public static IEndpointRouteBuilder MapAppsApi(this IEndpointRouteBuilder routes)
    {
        var apps = routes.MapGroup("/v2/apps");
        apps.MapPost("", CreateApp).RequireAdmin();
        apps.MapGet("", ListApps).RequireScopeOnSomeApp(KeyScopes.Deploy);
        apps.MapGet("/{appID}", GetApp).RequireAppScope(KeyScopes.Deploy, AppFrom.AppId, "appID");
        apps.MapPut("/{appID}", UpdateApp).RequireAdmin();
        apps.MapDelete("/{appID}", DeleteApp).RequireAdmin();
        return routes;
    }

    /// <summary>200 with the full app; 400 for an id, a bad name, shape, syslog URL or annotations; 409 for a taken name.</summary>
    public static async Task<IResult> CreateApp(HttpRequest request, IDataStore store, IdGenerator ids, TimeProvider time, IOptions<ServerOptions> options, CancellationToken cancellationToken)
    {
        var app = await ApiJson.ReadNewAsync<App>(request, options.Value.MaxRequestSize, r => r.Id, cancellationToken);

        app = app with { Config = ModelMerger.CleanConfig(app.Config), SyslogUrl = app.SyslogUrl is "" ? null : app.SyslogUrl };
        if (ModelValidator.ValidateApp(app) is { } error)
        {
            throw new ApiException(error);
        }

        var now = ApiTime.Now(time);
        var created = await store.InsertAppAsync(app with { Id = ids.NewId(), CreatedAt = now, UpdatedAt = now }, cancellationToken);
        return TypedResults.Ok(created);
    }

    /// <summary>One page of apps by name; <c>name</c> filters exactly. A key without <c>admin</c> sees only the apps it may deploy to (a page may then hold fewer items than it could, its cursor unchanged).</summary>
    public static async Task<IResult> ListApps(HttpContext context, IDataStore store, string? cursor, string? per_page, string? name, CancellationToken cancellationToken)
    {
        var filter = Cursor.Filter(cursor, per_page) with { Name = NullIfEmpty(name) };
        var page = await store.GetAppsAsync(filter, cancellationToken);
        var items = Access.SeesAll(context) ? page.Items : page.Items.Where(a => Access.CanSee(context, a.Id)).ToList();
        return TypedResults.Ok(new ListBody<App>(items, Cursor.Next(page)));
    }

    /// <summary>200 with the app, or 404.</summary>
    public static async Task<IResult> GetApp(string appID, IDataStore store, CancellationToken cancellationToken) =>
        await store.GetAppByIdAsync(appID, cancellationToken) is { } app ? TypedResults.Ok(app) : throw new ApiException(ApiErrors.AppNotFound);

    /// <summary>Merges the body into the app (<see cref="ModelMerger.MergeApp"/>): 200 with the result, 400, 404 or 409.</summary>
    public static async Task<IResult> UpdateApp(string appID, HttpRequest request, IDataStore store, TimeProvider time, MinHotKeeper minHot, RunnerAgent agent, StoreChangeListener changes, IOptions<ServerOptions> options, CancellationToken cancellationToken)
    {
        var patch = await ApiJson.ReadAsync<App>(request, options.Value.MaxRequestSize, cancellationToken);
        if (patch.Id.Length > 0 && patch.Id != appID)
        {
            throw new ApiException(ApiErrors.AppIdMismatch);
        }

        var now = ApiTime.Now(time);
        var updated = await store.UpdateAppAsync(appID, current => ModelMerger.MergeApp(current, patch, now), cancellationToken);
        await minHot.AppChangedAsync(updated, store, cancellationToken);
        agent.AppChanged(updated);
        await changes.ChangedAsync(ResourceMessage.App, updated.Id, cancellationToken);
        return TypedResults.Ok(updated);
    }

    /// <summary>204 after removing the app with its fns, triggers and calls, or 404; its fns' containers go as at a fn's removal (<see cref="FnsApi.DeleteFn"/>).</summary>
    public static async Task<IResult> DeleteApp(string appID, IDataStore store, MinHotKeeper minHot, RunnerAgent agent, StoreChangeListener changes, CancellationToken cancellationToken)
    {
        if (!await store.RemoveAppAsync(appID, cancellationToken))
        {
            throw new ApiException(ApiErrors.AppNotFound);
        }

        minHot.AppRemoved(appID);
        agent.AppRemoved(appID);
        await changes.RemovedAsync(ResourceMessage.App, appID, cancellationToken);
        return TypedResults.NoContent();
    }

    internal static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
