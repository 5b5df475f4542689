using FnSharp.Core.Models;

namespace FnSharp.Core.Storage;

/// <summary>
/// Where apps, fns and triggers live. Implementations: <c>FnSharp.Storage.Sqlite</c> (the embedded
/// default) and <c>FnSharp.Storage.Postgres</c>. Uniqueness is the database's job (unique indexes), so
/// concurrent creates of one name give one success and <see cref="Errors.ApiException"/>s for the rest.
/// Every method is safe to call concurrently.
/// </summary>
public interface IDataStore
{
    /// <summary>Stores a new app, its id and times already set.</summary>
    /// <exception cref="Errors.ApiException"><see cref="Errors.ApiErrors.AppAlreadyExists"/> when the name is taken.</exception>
    Task<App> InsertAppAsync(App app, CancellationToken cancellationToken);

    /// <summary>Returns the app with <paramref name="appId"/>, or <see langword="null"/>.</summary>
    Task<App?> GetAppByIdAsync(string appId, CancellationToken cancellationToken);

    /// <summary>Returns one page of apps ordered by name, after <see cref="ListFilter.AfterName"/>.</summary>
    Task<Page<App>> GetAppsAsync(ListFilter filter, CancellationToken cancellationToken);

    /// <summary>Stores a new fn, its id, times and defaults already set.</summary>
    /// <exception cref="Errors.ApiException">
    /// <see cref="Errors.ApiErrors.AppNotFound"/> when its app does not exist;
    /// <see cref="Errors.ApiErrors.FnAlreadyExists"/> when the app has a fn of that name.
    /// </exception>
    Task<Fn> InsertFnAsync(Fn fn, CancellationToken cancellationToken);

    /// <summary>Returns the fn with <paramref name="fnId"/>, or <see langword="null"/>.</summary>
    Task<Fn?> GetFnAsync(string fnId, CancellationToken cancellationToken);

    /// <summary>Returns one page of fns ordered by name, filtered by app and name.</summary>
    Task<Page<Fn>> GetFnsAsync(ListFilter filter, CancellationToken cancellationToken);
}
