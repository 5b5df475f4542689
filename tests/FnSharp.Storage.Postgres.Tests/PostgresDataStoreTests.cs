using FnSharp.Core.Models;
using FnSharp.Testing;
using FnSharp.Testing.Storage;
using Npgsql;

namespace FnSharp.Storage.Postgres.Tests;

/// <summary>What only the PostgreSQL store does: its migrations under an advisory lock, its row locks between nodes.</summary>
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

    [Fact]
    public async Task RemoveFnAsync_WhileAnotherNodeWritesACallRecordOfIt_TheRecordRemovedWithTheFn()
    {
        // Another node's batch of records, by hand in the shape of InsertCallRecordsAsync: its fns locked FOR SHARE,
        // then the record; the removal starts before that batch commits, and must not leave its record behind.
        await using var store = await PostgresDataStore.OpenAsync(_database.Url, CancellationToken.None);
        var app = await store.InsertAppAsync(new App { Id = "A1", Name = "a" }, CancellationToken.None);
        var fn = await store.InsertFnAsync(new Fn { Id = "F1", AppId = app.Id, Name = "f", Image = "i" }.WithDefaults(), CancellationToken.None);
        await using var connection = new NpgsqlConnection(PostgresDataStore.ConnectionStringFromUrl(_database.Url));
        await connection.OpenAsync();
        await using var batch = await connection.BeginTransactionAsync();
        await using (var write = new NpgsqlCommand(
            "SELECT id FROM fns WHERE id = 'F1' ORDER BY id FOR SHARE; " +
            "INSERT INTO calls (id, app_id, fn_id, type, status, created_at, attempts, dead_letter) VALUES ('C1', 'A1', 'F1', 'sync', 'success', 0, 1, FALSE)",
            connection,
            batch))
        {
            await write.ExecuteNonQueryAsync();
        }

        var removal = store.RemoveFnAsync(fn.Id, CancellationToken.None);
        await batch.CommitAsync();

        Assert.True(await removal);
        Assert.Null(await store.GetCallAsync(fn.Id, "C1", CancellationToken.None));
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
