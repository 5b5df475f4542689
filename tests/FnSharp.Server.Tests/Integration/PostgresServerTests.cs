using System.Net;
using FnSharp.Testing;
using FnSharp.Testing.Storage;
using FnSharp.Server.Tests.Apis;

namespace FnSharp.Server.Tests.Integration;

/// <summary>The server on a real PostgreSQL store (<c>FN_DB_URL=postgres://...</c>), started by <c>scripts/test.sh</c>.</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class PostgresServerTests : IAsyncLifetime
{
    private readonly ApiHarness _api = new();
    private PostgresTestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        _api.Server.DbUrl = _database.Url;
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Api_OnPostgres_CreatesListsUpdatesAndCascades()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => _api.PostAsync("/v2/apps", """{"name":"pg-app"}"""))));
        var appId = Assert.Single(responses, r => r.Status == HttpStatusCode.OK).Json.GetProperty("id").GetString()!;
        var fnId = (await _api.CreateFnAsync(appId, "f")).GetProperty("id").GetString()!;
        var triggerId = (await _api.CreateTriggerAsync(appId, fnId, "t", "/t")).GetProperty("id").GetString()!;

        var listed = (await _api.GetAsync("/v2/apps")).Json.GetProperty("items");
        var updated = ApiHarness.Ok(await _api.PutAsync($"/v2/apps/{appId}", """{"config":{"A":"1"}}"""));
        var deleted = await _api.DeleteAsync($"/v2/apps/{appId}");

        Assert.Equal(7, responses.Count(r => r.Status == HttpStatusCode.Conflict));
        Assert.Equal("pg-app", Assert.Single(listed.EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal("1", updated.GetProperty("config").GetProperty("A").GetString());
        Assert.Equal(HttpStatusCode.NoContent, deleted.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.GetAsync($"/v2/fns/{fnId}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.GetAsync($"/v2/triggers/{triggerId}")).Status);
    }
}
