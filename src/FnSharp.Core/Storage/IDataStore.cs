namespace FnSharp.Core.Storage;

/// <summary>
/// Where apps, fns and triggers live. Implementations: <c>FnSharp.Storage.Sqlite</c> (the embedded
/// default) and <c>FnSharp.Storage.Postgres</c>, both on <see cref="Sql.SqlDataStore"/>; one
/// conformance suite (<c>DataStoreConformanceTests</c>) checks them alike. Uniqueness is the
/// database's job (unique indexes), so concurrent creates of one name give one success and
/// <see cref="ApiException"/>s for the rest; deleting an app removes its fns and triggers, and deleting a
/// fn its triggers, by the database's <c>ON DELETE CASCADE</c>. Expected failures are
/// <see cref="ApiException"/>s carrying Fn's errors. Every method is safe to call concurrently.
/// </summary>
public interface IDataStore
{
    /// <summary>Stores a new app, its id and times already set.</summary>
    /// <exception cref="ApiException"><see cref="ApiErrors.AppAlreadyExists"/> when the name is taken.</exception>
    Task<App> InsertAppAsync(App app, CancellationToken cancellationToken);

    /// <summary>Returns the app with <paramref name="appId"/>, or <see langword="null"/>.</summary>
    Task<App?> GetAppByIdAsync(string appId, CancellationToken cancellationToken);

    /// <summary>Returns the app named <paramref name="name"/>, or <see langword="null"/>.</summary>
    Task<App?> GetAppByNameAsync(string name, CancellationToken cancellationToken);

    /// <summary>Returns one page of apps ordered by name, after the filter's position.</summary>
    Task<Page<App>> GetAppsAsync(ListFilter filter, CancellationToken cancellationToken);

    /// <summary>
    /// Changes an app atomically: reads it, calls <paramref name="update"/> with it inside the
    /// store's write transaction, and stores what it returns (its name must be unchanged).
    /// <paramref name="update"/> may throw <see cref="ApiException"/> to abandon the change.
    /// </summary>
    /// <returns>The app as stored.</returns>
    /// <exception cref="ApiException"><see cref="ApiErrors.AppNotFound"/>, or what <paramref name="update"/> throws.</exception>
    Task<App> UpdateAppAsync(string appId, Func<App, App> update, CancellationToken cancellationToken);

    /// <summary>Removes an app with its fns, triggers and their calls (records, logs, queued payloads), in one transaction.</summary>
    /// <returns><see langword="false"/> when there was no such app.</returns>
    Task<bool> RemoveAppAsync(string appId, CancellationToken cancellationToken);

    /// <summary>Stores a new fn, its id, times and defaults already set.</summary>
    /// <exception cref="ApiException">
    /// <see cref="ApiErrors.AppNotFound"/> when its app does not exist;
    /// <see cref="ApiErrors.FnAlreadyExists"/> when the app has a fn of that name.
    /// </exception>
    Task<Fn> InsertFnAsync(Fn fn, CancellationToken cancellationToken);

    /// <summary>Returns the fn with <paramref name="fnId"/>, or <see langword="null"/>.</summary>
    Task<Fn?> GetFnAsync(string fnId, CancellationToken cancellationToken);

    /// <summary>Returns one page of fns ordered by name, filtered by app and name.</summary>
    Task<Page<Fn>> GetFnsAsync(ListFilter filter, CancellationToken cancellationToken);

    /// <summary>
    /// Changes a fn atomically, as <see cref="UpdateAppAsync"/> does; its app must be unchanged, its
    /// name may change.
    /// </summary>
    /// <exception cref="ApiException">
    /// <see cref="ApiErrors.FnNotFound"/>; <see cref="ApiErrors.FnAlreadyExists"/> when renamed onto a
    /// taken name; or what <paramref name="update"/> throws.
    /// </exception>
    Task<Fn> UpdateFnAsync(string fnId, Func<Fn, Fn> update, CancellationToken cancellationToken);

    /// <summary>Removes a fn with its triggers and calls (records, logs, queued payloads), in one transaction.</summary>
    /// <returns><see langword="false"/> when there was no such fn.</returns>
    Task<bool> RemoveFnAsync(string fnId, CancellationToken cancellationToken);

    /// <summary>Stores a new trigger, its id and times already set.</summary>
    /// <exception cref="ApiException">
    /// <see cref="ApiErrors.AppNotFound"/>, <see cref="ApiErrors.FnNotFound"/>,
    /// <see cref="ApiErrors.TriggerFnNotInApp"/> when the fn belongs to another app,
    /// <see cref="ApiErrors.TriggerAlreadyExists"/> when the app, fn and name are taken,
    /// <see cref="ApiErrors.TriggerSourceExists"/> when the app has a trigger of that type and source.
    /// </exception>
    Task<Trigger> InsertTriggerAsync(Trigger trigger, CancellationToken cancellationToken);

    /// <summary>Returns the trigger with <paramref name="triggerId"/>, or <see langword="null"/>.</summary>
    Task<Trigger?> GetTriggerAsync(string triggerId, CancellationToken cancellationToken);

    /// <summary>Returns the trigger of the app with that type and source (the <c>/t</c> route's lookup), or <see langword="null"/>.</summary>
    Task<Trigger?> GetTriggerBySourceAsync(string appId, string type, string source, CancellationToken cancellationToken);

    /// <summary>Returns one page of triggers ordered by name, filtered by app, fn and name.</summary>
    Task<Page<Trigger>> GetTriggersAsync(ListFilter filter, CancellationToken cancellationToken);

    /// <summary>
    /// Changes a trigger atomically, as <see cref="UpdateAppAsync"/> does; its app, fn and type must be
    /// unchanged.
    /// </summary>
    /// <exception cref="ApiException">
    /// <see cref="ApiErrors.TriggerNotFound"/>, <see cref="ApiErrors.TriggerAlreadyExists"/>,
    /// <see cref="ApiErrors.TriggerSourceExists"/>, or what <paramref name="update"/> throws.
    /// </exception>
    Task<Trigger> UpdateTriggerAsync(string triggerId, Func<Trigger, Trigger> update, CancellationToken cancellationToken);

    /// <summary>Removes a trigger.</summary>
    /// <returns><see langword="false"/> when there was no such trigger.</returns>
    Task<bool> RemoveTriggerAsync(string triggerId, CancellationToken cancellationToken);
}
