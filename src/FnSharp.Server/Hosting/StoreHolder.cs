using FnSharp.Storage.Postgres;
using FnSharp.Storage.Sqlite;

namespace FnSharp.Server.Hosting;

/// <summary>
/// Holds the datastore named by <c>FN_DB_URL</c>: SQLite for <c>sqlite3://</c>, PostgreSQL for
/// <c>postgres://</c>. <see cref="ServerLifetime"/> opens it (and runs its migrations) before the server
/// listens, so no request ever waits for it; the container disposes it (closing PostgreSQL's pool).
/// </summary>
internal sealed class StoreHolder(IOptions<ServerOptions> options) : IAsyncDisposable
{
    private IDataStore? _store;

    public IDataStore Store => _store ?? throw new InvalidOperationException("The datastore is used before the server has started.");

    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        _store ??= settings.UsesPostgres
            ? await PostgresDataStore.OpenAsync(settings.DbUrl, cancellationToken)
            : await SqliteDataStore.OpenAsync(settings.SqlitePath!, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }
}
