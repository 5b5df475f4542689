using FnSharp.Core.Ids;
using FnSharp.Core.Updates;
using FnSharp.Core.Validation;
using FnSharp.Server.Triggers;

namespace FnSharp.Server.Apis;

/// <summary>
/// <c>/v2/triggers</c>: create, list, get, update and delete triggers (<c>fn-compat.md</c> section 2).
/// Every HTTP trigger in a response carries the computed <c>fnproject.io/trigger/httpEndpoint</c>
/// annotation, <c>&lt;base&gt;/t/&lt;appName&gt;&lt;source&gt;</c>; every cron trigger its next run
/// times, <c>fnsharp.io/cron-next-runs</c> (<c>docs/api.md</c>, "Cron triggers"). A nats trigger needs
/// <c>FN_NATS_URL</c> (400 without it); each change of one wakes this node's <see cref="NatsTriggerListener"/>
/// (<c>docs/api.md</c>, "NATS triggers"). PUT may change the name, source and annotations; the app, fn and
/// type are fixed (409).
/// </summary>
internal static class TriggersApi
{
    public static IEndpointRouteBuilder MapTriggersApi(this IEndpointRouteBuilder routes) =>
        routes.MapDeployResource("/v2/triggers", "triggerID", AppFrom.TriggerId, create: CreateTrigger, list: ListTriggers, get: GetTrigger, update: UpdateTrigger, delete: DeleteTrigger);

    /// <summary>
    /// 200 with the full trigger; 400 for an id, times, bad fields or a fn of another app; 404 for a
    /// missing app or fn; 409 for a taken (app, fn, name) or (app, type, source); 400 for a nats trigger
    /// on a server without <c>FN_NATS_URL</c>.
    /// </summary>
    public static async Task<IResult> CreateTrigger(HttpRequest request, IDataStore store, IdGenerator ids, TimeProvider time, IOptions<ServerOptions> options, IOptions<TriggerOptions> triggerOptions, CancellationToken cancellationToken)
    {
        var trigger = await ApiJson.ReadNewAsync<Trigger>(request, options.Value.MaxRequestSize, r => r.Id, cancellationToken);

        if (trigger.CreatedAt != default)
        {
            throw new ApiException(ApiErrors.CreatedAtProvided);
        }

        if (trigger.UpdatedAt != default)
        {
            throw new ApiException(ApiErrors.UpdatedAtProvided);
        }

        trigger = trigger with { Annotations = ComputedAnnotations.WithoutTriggerComputed(trigger.Annotations) };
        if (ModelValidator.ValidateTrigger(trigger) is { } error)
        {
            throw new ApiException(error);
        }

        if (trigger.Type == Trigger.NatsType && triggerOptions.Value.NatsUrl is null)
        {
            throw new ApiException(ApiErrors.NatsNotConfigured);
        }

        Access.Demand(request.HttpContext, KeyScopes.Deploy, trigger.AppId);
        var now = ApiTime.Now(time);
        var created = await store.InsertTriggerAsync(trigger with { Id = ids.NewId(), CreatedAt = now, UpdatedAt = now }, cancellationToken);
        WakeNats(request, created);
        return TypedResults.Ok(await WithEndpointAsync(created, request, store, options.Value, null, cancellationToken));
    }

    /// <summary>One page of triggers by name; <c>app_id</c>, <c>fn_id</c> and <c>name</c> filter exactly. 403 for an <c>app_id</c> the key may not deploy to; otherwise a key without <c>admin</c> sees only its apps' triggers.</summary>
    public static async Task<IResult> ListTriggers(HttpRequest request, IDataStore store, IOptions<ServerOptions> options, string? cursor, string? per_page, string? app_id, string? fn_id, string? name, CancellationToken cancellationToken)
    {
        var filter = Cursor.Filter(cursor, per_page) with { AppId = AppsApi.NullIfEmpty(app_id), FnId = AppsApi.NullIfEmpty(fn_id), Name = AppsApi.NullIfEmpty(name) };
        if (filter.AppId is { } appId)
        {
            Access.Demand(request.HttpContext, KeyScopes.Deploy, appId);
        }

        var page = await store.GetTriggersAsync(filter, cancellationToken);
        var appNames = new Dictionary<string, string>(StringComparer.Ordinal);
        var items = new List<Trigger>(page.Items.Count);
        foreach (var trigger in page.Items.Where(t => Access.CanSee(request.HttpContext, t.AppId)))
        {
            items.Add(await WithEndpointAsync(trigger, request, store, options.Value, appNames, cancellationToken));
        }

        return TypedResults.Ok(new ListBody<Trigger>(items, Cursor.Next(page)));
    }

    /// <summary>200 with the trigger, or 404.</summary>
    public static async Task<IResult> GetTrigger(string triggerID, HttpRequest request, IDataStore store, IOptions<ServerOptions> options, CancellationToken cancellationToken)
    {
        var trigger = await store.GetTriggerAsync(triggerID, cancellationToken) ?? throw new ApiException(ApiErrors.TriggerNotFound);
        return TypedResults.Ok(await WithEndpointAsync(trigger, request, store, options.Value, null, cancellationToken));
    }

    /// <summary>Merges the body into the trigger (<see cref="ModelMerger.MergeTrigger"/>): 200 with the result, 400, 404 or 409.</summary>
    public static async Task<IResult> UpdateTrigger(string triggerID, HttpRequest request, IDataStore store, TimeProvider time, IOptions<ServerOptions> options, CancellationToken cancellationToken)
    {
        var patch = await ApiJson.ReadAsync<Trigger>(request, options.Value.MaxRequestSize, cancellationToken);
        if (patch.Id.Length > 0 && patch.Id != triggerID)
        {
            throw new ApiException(ApiErrors.TriggerIdMismatch);
        }

        patch = patch with { Annotations = ComputedAnnotations.WithoutTriggerComputed(patch.Annotations) };
        var now = ApiTime.Now(time);
        var updated = await store.UpdateTriggerAsync(triggerID, current => ModelMerger.MergeTrigger(current, patch, now), cancellationToken);
        WakeNats(request, updated);
        return TypedResults.Ok(await WithEndpointAsync(updated, request, store, options.Value, null, cancellationToken));
    }

    /// <summary>204 after removing the trigger, or 404.</summary>
    public static async Task<IResult> DeleteTrigger(string triggerID, HttpRequest request, IDataStore store, CancellationToken cancellationToken)
    {
        if (!await store.RemoveTriggerAsync(triggerID, cancellationToken))
        {
            throw new ApiException(ApiErrors.TriggerNotFound);
        }

        // Any type: a deleted trigger's type is not known here, and a wake with nothing to do costs one read.
        request.HttpContext.RequestServices.GetRequiredService<NatsTriggerListener>().Wake();
        return TypedResults.NoContent();
    }

    /// <summary>Makes this node's NATS listener follow a change of a nats trigger at once, not at its next poll.</summary>
    private static void WakeNats(HttpRequest request, Trigger trigger)
    {
        if (trigger.Type == Trigger.NatsType)
        {
            request.HttpContext.RequestServices.GetRequiredService<NatsTriggerListener>().Wake();
        }
    }

    private static async Task<Trigger> WithEndpointAsync(
        Trigger trigger,
        HttpRequest request,
        IDataStore store,
        ServerOptions options,
        Dictionary<string, string>? appNames,
        CancellationToken cancellationToken)
    {
        if (trigger.Type == Trigger.CronType)
        {
            return WithNextRuns(trigger, request.HttpContext.RequestServices.GetRequiredService<TimeProvider>());
        }

        if (trigger.Type != Trigger.HttpType)
        {
            return trigger;
        }

        if (appNames is null || !appNames.TryGetValue(trigger.AppId, out var appName))
        {
            // The app can vanish between the two reads (a concurrent delete); the trigger went with it.
            appName = (await store.GetAppByIdAsync(trigger.AppId, cancellationToken))?.Name ?? throw new ApiException(ApiErrors.TriggerNotFound);
            appNames?.Add(trigger.AppId, appName);
        }

        var endpoint = $"{ComputedAnnotations.BaseUrl(request, options)}/t/{appName}{trigger.Source}";
        return trigger with { Annotations = ComputedAnnotations.With(trigger.Annotations, ComputedAnnotations.TriggerHttpEndpoint, endpoint) };
    }

    /// <summary>A cron trigger with its computed <c>fnsharp.io/cron-next-runs</c>: its next run times after now, none while paused.</summary>
    private static Trigger WithNextRuns(Trigger trigger, TimeProvider time)
    {
        var runs = FnSharpAnnotations.PausedOf(trigger.Annotations) is false && ModelValidator.CronScheduleOf(trigger, out _) is { } schedule
            ? schedule.NextOccurrences(time.GetUtcNow(), ComputedAnnotations.NextRunCount).Select(ApiTime.Format).ToArray()
            : [];
        return trigger with { Annotations = ComputedAnnotations.With(trigger.Annotations, ComputedAnnotations.CronNextRuns, runs) };
    }
}
