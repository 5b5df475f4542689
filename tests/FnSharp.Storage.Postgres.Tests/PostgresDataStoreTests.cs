using FnSharp.Core.Models;
using FnSharp.Testing;
using FnSharp.Testing.Storage;
using Npgsql;

namespace FnSharp.Storage.Postgres.Tests;

/// <summary>What only the PostgreSQL store does: its migrations under an advisory lock.</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class PostgresDataStoreTests : IAsyncLifetime
{
    private PostgresTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await PostgresTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task OpenAsync_FourNodesAtOnce_MigrateOnceAndAllWork()
    {
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => PostgresDataStore.OpenAsync(_database.Url, CancellationToken.None))));
        try
        {
            await stores[0].InsertAppAsync(new App { Id = "A1", Name = "shared" }, CancellationToken.None);

            Assert.Equal("shared", (await stores[3].GetAppByIdAsync("A1", CancellationToken.None))?.Name);
            Assert.Equal([(long)PostgresDataStore.LatestSchemaVersion], await VersionsAsync());
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task OpenAsync_Reopened_DataKept()
    {
        await using (var store = await PostgresDataStore.OpenAsync(_database.Url, CancellationToken.None))
        {
            await store.InsertAppAsync(new App { Id = "A1", Name = "kept" }, CancellationToken.None);
        }

        await using var reopened = await PostgresDataStore.OpenAsync(_database.Url, CancellationToken.None);

        Assert.Equal("kept", (await reopened.GetAppByIdAsync("A1", CancellationToken.None))?.Name);
        Assert.Equal([(long)PostgresDataStore.LatestSchemaVersion], await VersionsAsync());
    }

    [Fact]
    public async Task OpenAsync_SchemaNewerThanCode_RefusesWithMessage()
    {
        await using (await PostgresDataStore.OpenAsync(_database.Url, CancellationToken.None))
        {
        }

        await ExecuteAsync("UPDATE schema_version SET version = 999");
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => PostgresDataStore.OpenAsync(_database.Url, CancellationToken.None));

        Assert.Contains("schema version 999", e.Message, StringComparison.Ordinal);
    }

    private async Task<List<long>> VersionsAsync()
    {
        await using var connection = new NpgsqlConnection(PostgresDataStore.ConnectionStringFromUrl(_database.Url));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT version::bigint FROM schema_version", connection);
        var versions = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            versions.Add(reader.GetInt64(0));
        }

        return versions;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(PostgresDataStore.ConnectionStringFromUrl(_database.Url));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
