using FnSharp.Core.Storage;
using FnSharp.Testing;
using FnSharp.Testing.Storage;

namespace FnSharp.Storage.Postgres.Tests;

/// <summary>The key store and audit log conformance suite on a real PostgreSQL server, a fresh database per test.</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class PostgresKeyStoreConformanceTests : KeyStoreConformanceTests
{
    private PostgresTestDatabase? _database;
    private PostgresDataStore? _store;

    protected override async Task<IDataStore> OpenStoreAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        _store = await PostgresDataStore.OpenAsync(_database.Url, CancellationToken.None);
        return _store;
    }

    protected override async Task CloseStoreAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
