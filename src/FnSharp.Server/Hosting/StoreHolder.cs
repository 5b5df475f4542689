using FnSharp.Core.Storage;
using FnSharp.Server.Configuration;
using FnSharp.Storage.Sqlite;
using Microsoft.Extensions.Options;

namespace FnSharp.Server.Hosting;

/// <summary>
/// Holds the datastore named by <c>FN_DB_URL</c>. <see cref="ServerLifetime"/> opens it (and runs its
/// migrations) before the server listens, so no request ever waits for it.
/// </summary>
internal sealed class StoreHolder(IOptions<ServerOptions> options)
{
    private IDataStore? _store;

    public IDataStore Store => _store ?? throw new InvalidOperationException("The datastore is used before the server has started.");

    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        _store ??= await SqliteDataStore.OpenAsync(options.Value.SqlitePath!, cancellationToken);
    }
}
