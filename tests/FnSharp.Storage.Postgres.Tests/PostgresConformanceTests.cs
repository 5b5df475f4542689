using FnSharp.Core.Storage;
using FnSharp.Testing;
using FnSharp.Testing.Storage;

namespace FnSharp.Storage.Postgres.Tests;

/// <summary>The storage conformance suite on a real PostgreSQL server, a fresh database per test.</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class PostgresConformanceTests : DataStoreConformanceTests
{
    private readonly FreshPostgresStore _fresh = new();

    protected override async Task<IDataStore> OpenStoreAsync() => await _fresh.OpenAsync();

    protected override async Task CloseStoreAsync() => await _fresh.DisposeAsync();
}
