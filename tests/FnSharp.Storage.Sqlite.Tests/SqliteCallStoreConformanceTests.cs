using FnSharp.Core.Storage;
using FnSharp.Testing;
using FnSharp.Testing.Storage;
using Microsoft.Data.Sqlite;

namespace FnSharp.Storage.Sqlite.Tests;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class SqliteCallStoreConformanceTests : CallStoreConformanceTests
{
    private readonly string _directory = TestDirectories.Create("fnsharp-sqlite-calls-");

    private string DbPath => Path.Combine(_directory, "fnsharp.db");

    protected override async Task<IDataStore> OpenStoreAsync() => await SqliteDataStore.OpenAsync(DbPath, CancellationToken.None);

    protected override Task CloseStoreAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    protected override async Task<long> CountRowsAsync(string table, string callId)
    {
        await using var connection = new SqliteConnection($"Data Source={DbPath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();

        // The table is one of the suite's constants, never input.
        command.CommandText = $"SELECT COUNT(*) FROM {table} WHERE call_id = $id";
        command.Parameters.AddWithValue("$id", callId);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
