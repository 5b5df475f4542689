using FnSharp.Core.Storage;
using FnSharp.Testing;
using FnSharp.Testing.Storage;
using Microsoft.Data.Sqlite;

namespace FnSharp.Storage.Sqlite.Tests;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class SqliteConformanceTests : DataStoreConformanceTests
{
    private readonly string _directory = TestDirectories.Create("fnsharp-sqlite-conformance-");

    protected override async Task<IDataStore> OpenStoreAsync() =>
        await SqliteDataStore.OpenAsync(Path.Combine(_directory, "fnsharp.db"), CancellationToken.None);

    protected override Task CloseStoreAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}
