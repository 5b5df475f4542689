using FnSharp.Core.Models;
using FnSharp.Testing;
using Microsoft.Data.Sqlite;

namespace FnSharp.Storage.Sqlite.Tests;

/// <summary>What only the SQLite store does: its file, WAL mode and migrations. The behaviour every store shares is in <see cref="SqliteConformanceTests"/>.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class SqliteDataStoreTests : IAsyncLifetime
{
    private readonly string _directory = TestDirectories.Create("fnsharp-sqlite-");

    private string DbPath => Path.Combine(_directory, "nested", "fnsharp.db");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task OpenAsync_MissingDirectory_CreatesFileInWalMode()
    {
        await SqliteDataStore.OpenAsync(DbPath, CancellationToken.None);

        Assert.True(File.Exists(DbPath));
        Assert.Equal("wal", await ScalarAsync("PRAGMA journal_mode;"));
    }

    [Fact]
    public async Task OpenAsync_Reopened_DataKeptAndSchemaCurrent()
    {
        var store = await SqliteDataStore.OpenAsync(DbPath, CancellationToken.None);
        await store.InsertAppAsync(new App { Id = "A1", Name = "kept" }, CancellationToken.None);

        var reopened = await SqliteDataStore.OpenAsync(DbPath, CancellationToken.None);

        Assert.Equal("kept", (await reopened.GetAppByIdAsync("A1", CancellationToken.None))?.Name);
        Assert.Equal((long)SqliteDataStore.LatestSchemaVersion, await ScalarAsync("SELECT version FROM schema_version;"));
        Assert.Equal(1L, await ScalarAsync("SELECT COUNT(*) FROM schema_version;"));
    }

    [Fact]
    public async Task OpenAsync_SchemaNewerThanCode_RefusesWithMessage()
    {
        await SqliteDataStore.OpenAsync(DbPath, CancellationToken.None);
        await ScalarAsync("UPDATE schema_version SET version = 999;");

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => SqliteDataStore.OpenAsync(DbPath, CancellationToken.None));

        Assert.Contains("schema version 999", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_Version1Store_UpgradesInPlaceWithDataIntact()
    {
        // A store as the first release made it: script 1 only, at version 1, with an app and a fn.
        Directory.CreateDirectory(Path.GetDirectoryName(DbPath)!);
        await ScalarAsync(SqliteMigrations.Scripts[0] + """
            CREATE TABLE schema_version (version INTEGER NOT NULL);
            INSERT INTO schema_version (version) VALUES (1);
            INSERT INTO apps VALUES ('A1', 'old-app', '{"K":"V"}', '{}', NULL, '', 1764498547577, 1764498547577);
            INSERT INTO fns VALUES ('F1', 'A1', 'old-fn', 'img:1', 128, 30, 30, '{}', '{"a":1}', '', 1764498547577, 1764498547577);
            """);
        SqliteConnection.ClearAllPools();

        var store = await SqliteDataStore.OpenAsync(DbPath, CancellationToken.None);

        Assert.Equal((long)SqliteDataStore.LatestSchemaVersion, await ScalarAsync("SELECT version FROM schema_version;"));
        var app = await store.GetAppByIdAsync("A1", CancellationToken.None);
        var fn = await store.GetFnAsync("F1", CancellationToken.None);
        Assert.Equal(("old-app", "V", DateTimeOffset.FromUnixTimeMilliseconds(1764498547577)), (app?.Name, app?.Config["K"], app?.CreatedAt));
        Assert.Equal(("old-fn", "img:1", 1), (fn?.Name, fn?.Image, fn?.Annotations["a"].GetInt32()));

        // The new table works against the old rows, cascades included.
        var trigger = await store.InsertTriggerAsync(new Trigger { Id = "T1", AppId = "A1", FnId = "F1", Name = "t", Type = "http", Source = "/t" }, CancellationToken.None);
        Assert.True(await store.RemoveAppAsync("A1", CancellationToken.None));
        Assert.Null(await store.GetTriggerAsync(trigger.Id, CancellationToken.None));
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DbPath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
