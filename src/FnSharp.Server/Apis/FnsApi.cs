using FnSharp.Agent.Runner;
using FnSharp.Core.Ids;
using FnSharp.Core.Json;
using FnSharp.Core.Updates;
using FnSharp.Core.Validation;
using FnSharp.Server.Cluster;

namespace FnSharp.Server.Apis;

/// <summary>
/// <c>/v2/fns</c>: create, list, get, update and delete fns (<c>fn-compat.md</c> section 2). Every fn
/// in a response carries the computed <c>fnproject.io/fn/invokeEndpoint</c> annotation. A fn may be
/// renamed by PUT; moving it to another app is refused (409), as Fn refuses it.
/// </summary>
internal static class FnsApi
{
    public static IEndpointRouteBuilder MapFnsApi(this IEndpointRouteBuilder routes) =>
        routes.MapDeployResource("/v2/fns", "fnID", AppFrom.FnId, create: CreateFn, list: ListFns, get: GetFn, update: UpdateFn, delete: DeleteFn);

    /// <summary>
    /// 200 with the full fn, defaults applied and the app's shape copied; 400 (also for an image
    /// <c>FN_ALLOWED_IMAGES</c> refuses, and for a destination that names no fn of the app or makes a loop,
    /// <see cref="DestinationGraph"/>), 403 without <c>deploy</c> on its app, 404 for a missing app, 409 for a taken name.
    /// </summary>
    public static async Task<IResult> CreateFn(HttpRequest request, IDataStore store, IdGenerator ids, TimeProvider time, ImagePolicy images, MinHotKeeper minHot, RunnerAgent agent, StoreChangeListener changes, IOptions<ServerOptions> options, CancellationToken cancellationToken)
    {
        var fn = await ApiJson.ReadNewAsync<Fn>(request, options.Value.MaxRequestSize, r => r.Id, cancellationToken);

        fn = fn with
        {
            Config = ModelMerger.CleanConfig(fn.Config),
            Annotations = ComputedAnnotations.Without(fn.Annotations, ComputedAnnotations.FnInvokeEndpoint),
        };
        if (ModelValidator.ValidateFn(fn) is { } error)
        {
            throw new ApiException(error);
        }

        Access.Demand(request.HttpContext, KeyScopes.Deploy, fn.AppId);
        images.Check(fn.Image);
        var app = await store.GetAppByIdAsync(fn.AppId, cancellationToken) ?? throw new ApiException(ApiErrors.AppNotFound);
        var now = ApiTime.Now(time);
        minHot.Check(fn.WithDefaults());
        fn = fn.WithDefaults() with { Id = ids.NewId(), Shape = app.Shape, CreatedAt = now, UpdatedAt = now };
        if (DestinationGraph.HasDestinations(fn) && DestinationGraph.Validate(fn, await AppFns.ReadAsync(store, app.Id, cancellationToken), app.Name) is { } destinationError)
        {
            throw new ApiException(destinationError);
        }

        var created = await store.InsertFnAsync(fn, cancellationToken);
        minHot.Keep(app, created);
        // On a store shared by nodes the fn's calls go to its home node, most often not this one.
        agent.FnChanged(app, created, createAhead: !options.Value.UsesPostgres);
        await changes.ChangedAsync(ResourceMessage.Fn, created.Id, cancellationToken);
        return TypedResults.Ok(WithEndpoint(GoJsonConventions.WithConfigMade(created), request, options.Value));
    }

    /// <summary>One page of fns by name; <c>app_id</c> and <c>name</c> filter exactly. 403 for an <c>app_id</c> the key may not deploy to; without one, a key without <c>admin</c> sees only its apps' fns.</summary>
    public static async Task<IResult> ListFns(HttpRequest request, IDataStore store, IOptions<ServerOptions> options, string? cursor, string? per_page, string? app_id, string? name, CancellationToken cancellationToken)
    {
        var filter = Cursor.Filter(cursor, per_page) with { AppId = AppsApi.NullIfEmpty(app_id), Name = AppsApi.NullIfEmpty(name) };
        if (filter.AppId is { } appId)
        {
            Access.Demand(request.HttpContext, KeyScopes.Deploy, appId);
        }

        var page = await store.GetFnsAsync(filter, cancellationToken);
        var items = page.Items.Where(fn => Access.CanSee(request.HttpContext, fn.AppId)).Select(fn => WithEndpoint(fn, request, options.Value)).ToList();
        return TypedResults.Ok(new ListBody<Fn>(items, Cursor.Next(page)));
    }

    /// <summary>200 with the fn, or 404.</summary>
    public static async Task<IResult> GetFn(string fnID, HttpRequest request, IDataStore store, IOptions<ServerOptions> options, CancellationToken cancellationToken) =>
        await store.GetFnAsync(fnID, cancellationToken) is { } fn
            ? TypedResults.Ok(WithEndpoint(fn, request, options.Value))
            : throw new ApiException(ApiErrors.FnNotFound);

    /// <summary>Merges the body into the fn (<see cref="ModelMerger.MergeFn"/>): 200 with the result, 400 (also for a new image <c>FN_ALLOWED_IMAGES</c> refuses, and for destinations <see cref="DestinationGraph"/> refuses), 404 or 409.</summary>
    public static async Task<IResult> UpdateFn(string fnID, HttpRequest request, IDataStore store, TimeProvider time, ImagePolicy images, MinHotKeeper minHot, RunnerAgent agent, StoreChangeListener changes, IOptions<ServerOptions> options, CancellationToken cancellationToken)
    {
        var patch = await ApiJson.ReadAsync<Fn>(request, options.Value.MaxRequestSize, cancellationToken);
        if (patch.Id.Length > 0 && patch.Id != fnID)
        {
            throw new ApiException(ApiErrors.FnIdMismatch);
        }

        patch = patch with { Annotations = ComputedAnnotations.Without(patch.Annotations, ComputedAnnotations.FnInvokeEndpoint) };
        var now = ApiTime.Now(time);

        // The app's fns are read before the update's transaction, whose check cannot wait for the store: two
        // concurrent updates may still close a loop, which the worker then refuses to follow (and logs).
        var destinations = await DestinationsContextAsync(store, fnID, patch, cancellationToken);
        var hadConfig = false;
        var updated = await store.UpdateFnAsync(
            fnID,
            current =>
            {
                hadConfig = current.Config.Count > 0;
                var merged = ModelMerger.MergeFn(current, patch, now);
                if (merged.Image != current.Image)
                {
                    // Only a new image: a fn made before FN_ALLOWED_IMAGES changed can still be edited otherwise.
                    images.Check(merged.Image);
                }

                minHot.Check(merged);
                if (destinations is { } context && DestinationGraph.HasDestinations(merged) && DestinationGraph.Validate(merged, context.Fns, context.AppName) is { } destinationError)
                {
                    throw new ApiException(destinationError);
                }

                return merged;
            },
            cancellationToken);
        if (await store.GetAppByIdAsync(updated.AppId, cancellationToken) is { } app)
        {
            minHot.Keep(app, updated);
            agent.FnChanged(app, updated, createAhead: !options.Value.UsesPostgres);
        }

        await changes.ChangedAsync(ResourceMessage.Fn, updated.Id, cancellationToken);

        // Fn's answer writes an empty config as {} where its merge made the map: a config sent, or one the fn had.
        var answer = hadConfig || GoJsonConventions.SentConfig(patch) ? GoJsonConventions.WithConfigMade(updated) : updated;
        return TypedResults.Ok(WithEndpoint(answer, request, options.Value));
    }

    /// <summary>
    /// 204 after removing the fn with its triggers and calls, or 404. Its containers go at once on this node (the idle
    /// ones now, the busy ones as their calls end, <see cref="RunnerAgent.FnRemoved"/>) and on the nodes that hear of it
    /// (<see cref="StoreChangeListener.RemovedAsync"/>).
    /// </summary>
    public static async Task<IResult> DeleteFn(string fnID, IDataStore store, MinHotKeeper minHot, RunnerAgent agent, StoreChangeListener changes, CancellationToken cancellationToken)
    {
        if (!await store.RemoveFnAsync(fnID, cancellationToken))
        {
            throw new ApiException(ApiErrors.FnNotFound);
        }

        minHot.Forget(fnID);
        agent.FnRemoved(fnID);
        await changes.RemovedAsync(ResourceMessage.Fn, fnID, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>The app's name and fns when the fn has or gets a destination (only then can it be on a loop), <see langword="null"/> otherwise.</summary>
    private static async Task<(string AppName, List<Fn> Fns)?> DestinationsContextAsync(IDataStore store, string fnId, Fn patch, CancellationToken cancellationToken)
    {
        if (await store.GetFnAsync(fnId, cancellationToken) is not { } current
            || !(DestinationGraph.HasDestinations(current) || DestinationGraph.HasDestinations(patch))
            || await store.GetAppByIdAsync(current.AppId, cancellationToken) is not { } app)
        {
            return null;
        }

        return (app.Name, await AppFns.ReadAsync(store, app.Id, cancellationToken));
    }

    private static Fn WithEndpoint(Fn fn, HttpRequest request, ServerOptions options) => fn with
    {
        Annotations = ComputedAnnotations.With(fn.Annotations, ComputedAnnotations.FnInvokeEndpoint, $"{ComputedAnnotations.BaseUrl(request, options)}/invoke/{fn.Id}"),
    };
}
