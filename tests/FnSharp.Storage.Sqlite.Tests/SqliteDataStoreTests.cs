using FnSharp.Core.Errors;
using FnSharp.Core.Models;
using FnSharp.Core.Storage;
using FnSharp.Testing;
using Microsoft.Data.Sqlite;

namespace FnSharp.Storage.Sqlite.Tests;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class SqliteDataStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 10, 29, 7, 577, TimeSpan.Zero);

    private readonly string _directory = Directory.CreateTempSubdirectory("fnsharp-sqlite-").FullName;
    private SqliteDataStore _store = null!;

    private string DbPath => Path.Combine(_directory, "nested", "fnsharp.db");

    public async Task InitializeAsync() => _store = await SqliteDataStore.OpenAsync(DbPath, CancellationToken.None);

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task OpenAsync_MissingDirectory_CreatesFileInWalMode()
    {
        Assert.True(File.Exists(DbPath));
        await using var connection = new SqliteConnection($"Data Source={DbPath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";

        Assert.Equal("wal", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task InsertAppAsync_ThenGet_RoundTripsEveryField()
    {
        var app = new App
        {
            Id = "A1",
            Name = "ünïcode-app",
            Config = new Dictionary<string, string> { ["K"] = "V" },
            Annotations = new Dictionary<string, System.Text.Json.JsonElement> { ["a/b"] = System.Text.Json.JsonDocument.Parse("""{"x":[1,2]}""").RootElement },
            SyslogUrl = "tcp://logs:514",
            Shape = "GENERIC_X86",
            CreatedAt = Now,
            UpdatedAt = Now,
        };

        await _store.InsertAppAsync(app, CancellationToken.None);
        var read = await _store.GetAppByIdAsync("A1", CancellationToken.None);

        Assert.NotNull(read);
        Assert.Equal((app.Id, app.Name, app.SyslogUrl, app.Shape, app.CreatedAt, app.UpdatedAt), (read.Id, read.Name, read.SyslogUrl, read.Shape, read.CreatedAt, read.UpdatedAt));
        Assert.Equal("V", read.Config["K"]);
        Assert.Equal("""{"x":[1,2]}""", read.Annotations["a/b"].GetRawText());
    }

    [Fact]
    public async Task InsertAppAsync_ConcurrentSameName_ExactlyOneWins()
    {
        var attempts = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            try
            {
                await _store.InsertAppAsync(new App { Id = $"ID{i}", Name = "same", CreatedAt = Now, UpdatedAt = Now }, CancellationToken.None);
                return true;
            }
            catch (ApiException e) when (e.Error == ApiErrors.AppAlreadyExists)
            {
                return false;
            }
        }));

        var results = await Task.WhenAll(attempts);

        Assert.Equal(1, results.Count(r => r));
        Assert.Single((await _store.GetAppsAsync(new ListFilter(), CancellationToken.None)).Items);
    }

    [Fact]
    public async Task InsertFnAsync_UnknownApp_AppNotFound()
    {
        var e = await Assert.ThrowsAsync<ApiException>(() => _store.InsertFnAsync(new Fn { Id = "F1", AppId = "nope", Name = "f", Image = "i" }, CancellationToken.None));

        Assert.Equal(ApiErrors.AppNotFound, e.Error);
    }

    [Fact]
    public async Task InsertFnAsync_SameNameInAnotherApp_Allowed()
    {
        await _store.InsertAppAsync(new App { Id = "A1", Name = "one" }, CancellationToken.None);
        await _store.InsertAppAsync(new App { Id = "A2", Name = "two" }, CancellationToken.None);

        await _store.InsertFnAsync(new Fn { Id = "F1", AppId = "A1", Name = "f", Image = "i" }, CancellationToken.None);
        await _store.InsertFnAsync(new Fn { Id = "F2", AppId = "A2", Name = "f", Image = "i" }, CancellationToken.None);
        var e = await Assert.ThrowsAsync<ApiException>(() => _store.InsertFnAsync(new Fn { Id = "F3", AppId = "A1", Name = "f", Image = "i" }, CancellationToken.None));

        Assert.Equal(ApiErrors.FnAlreadyExists, e.Error);
    }

    [Fact]
    public async Task GetFnsAsync_CursorWalk_NoGapNoRepeat()
    {
        await _store.InsertAppAsync(new App { Id = "A1", Name = "one" }, CancellationToken.None);
        var names = Enumerable.Range(0, 25).Select(i => $"fn{i:D2}").ToList();
        foreach (var name in names.OrderBy(_ => Guid.NewGuid()))
        {
            await _store.InsertFnAsync(new Fn { Id = "F" + name, AppId = "A1", Name = name, Image = "i" }, CancellationToken.None);
        }

        var seen = new List<string>();
        string? after = null;
        while (true)
        {
            var page = await _store.GetFnsAsync(new ListFilter { AppId = "A1", AfterName = after, PerPage = 10 }, CancellationToken.None);
            seen.AddRange(page.Items.Select(f => f.Name));
            if (!page.Full)
            {
                break;
            }

            after = page.Items[^1].Name;
        }

        Assert.Equal(names, seen);
    }

    [Fact]
    public async Task OpenAsync_Reopened_DataKeptAndSchemaCurrent()
    {
        await _store.InsertAppAsync(new App { Id = "A1", Name = "kept" }, CancellationToken.None);

        var reopened = await SqliteDataStore.OpenAsync(DbPath, CancellationToken.None);

        Assert.Equal("kept", (await reopened.GetAppByIdAsync("A1", CancellationToken.None))?.Name);
        await using var connection = new SqliteConnection($"Data Source={DbPath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM schema_version;";
        Assert.Equal((long)SqliteDataStore.LatestSchemaVersion, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task OpenAsync_SchemaNewerThanCode_RefusesWithMessage()
    {
        await using (var connection = new SqliteConnection($"Data Source={DbPath}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE schema_version SET version = 999;";
            await command.ExecuteNonQueryAsync();
        }

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => SqliteDataStore.OpenAsync(DbPath, CancellationToken.None));

        Assert.Contains("schema version 999", e.Message, StringComparison.Ordinal);
    }
}
