using FnSharp.Core.Errors;
using FnSharp.Core.Ids;
using FnSharp.Core.Models;
using FnSharp.Core.Storage;
using FnSharp.Core.Validation;

namespace FnSharp.Server.Apis;

/// <summary><c>/v2/apps</c>: create, list and get apps (<c>fn-compat.md</c> section 2).</summary>
internal static class AppsApi
{
    public static IEndpointRouteBuilder MapAppsApi(this IEndpointRouteBuilder routes)
    {
        var apps = routes.MapGroup("/v2/apps");
        apps.MapPost("", CreateApp);
        apps.MapGet("", ListApps);
        apps.MapGet("/{appID}", GetApp);
        return routes;
    }

    public static async Task<IResult> CreateApp(HttpRequest request, IDataStore store, IdGenerator ids, TimeProvider time, CancellationToken cancellationToken)
    {
        var app = await ApiJson.ReadAsync<App>(request, cancellationToken);
        if (app.Id.Length > 0)
        {
            throw new ApiException(ApiErrors.IdProvided);
        }

        if (ModelValidator.ValidateApp(app) is { } error)
        {
            throw new ApiException(error);
        }

        var now = time.GetUtcNow();
        var created = await store.InsertAppAsync(app with { Id = ids.NewId(), CreatedAt = now, UpdatedAt = now }, cancellationToken);
        return TypedResults.Ok(created);
    }

    public static async Task<IResult> ListApps(IDataStore store, string? cursor, int? per_page, string? name, CancellationToken cancellationToken)
    {
        var filter = new ListFilter { AfterName = Cursor.Decode(cursor), Name = name, PerPage = Cursor.PerPage(per_page) };
        var page = await store.GetAppsAsync(filter, cancellationToken);
        return TypedResults.Ok(new ListBody<App>(page.Items, page.Full ? Cursor.Encode(page.Items[^1].Name) : null));
    }

    public static async Task<IResult> GetApp(string appID, IDataStore store, CancellationToken cancellationToken) =>
        await store.GetAppByIdAsync(appID, cancellationToken) is { } app ? TypedResults.Ok(app) : throw new ApiException(ApiErrors.AppNotFound);
}
