using FnSharp.Testing.Storage;

namespace FnSharp.Storage.Postgres.Tests;

/// <summary>A store on a fresh database of the test server (<see cref="PostgresTestDatabase"/>), dropped with it.</summary>
internal sealed class FreshPostgresStore : IAsyncDisposable
{
    private PostgresTestDatabase? _database;

    /// <summary>The URL of the fresh database, once <see cref="OpenAsync"/> has run.</summary>
    public string Url => _database?.Url ?? throw new InvalidOperationException("The database is created by OpenAsync.");

    /// <summary>The store, once <see cref="OpenAsync"/> has run.</summary>
    public PostgresDataStore Store { get; private set; } = null!;

    /// <summary>Creates the database and opens the store on it (migrating it).</summary>
    public async Task<PostgresDataStore> OpenAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        Store = await PostgresDataStore.OpenAsync(_database.Url, CancellationToken.None);
        return Store;
    }

    public async ValueTask DisposeAsync()
    {
        if (Store is not null)
        {
            await Store.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
