using System.Net;
using FnSharp.Testing;

namespace FnSharp.Server.Tests.Apis;

/// <summary><c>fnsharp.io/min-hot</c> through the API on the fake driver: containers at create, update, removal and server start.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class MinHotApiTests : IAsyncLifetime
{
    private readonly string _data = TestDirectories.Create("fnsharp-minhot-");
    private ApiHarness _api;

    public MinHotApiTests()
    {
        _api = NewHarness();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task CreateFn_MinHotTwo_TwoContainersStartWithoutACall()
    {
        var appId = (await _api.CreateAppAsync("a")).GetProperty("id").GetString()!;

        var fn = await _api.CreateFnAsync(appId, "f", ""","annotations":{"fnsharp.io/min-hot":2}""");

        var fnId = fn.GetProperty("id").GetString()!;
        await _api.Driver.WaitUntilAsync(d => d.LiveCountOf(fnId) == 2);
        Assert.Equal(0, _api.Driver.CallCount);
    }

    [Fact]
    public async Task UpdateFn_MinHotRaisedThenFnRemoved_ContainersFollow()
    {
        var appId = (await _api.CreateAppAsync("a")).GetProperty("id").GetString()!;
        var fnId = (await _api.CreateFnAsync(appId, "f", ""","idle_timeout":5""")).GetProperty("id").GetString()!;

        ApiHarness.Ok(await _api.PutAsync($"/v2/fns/{fnId}", """{"annotations":{"fnsharp.io/min-hot":"1"}}"""));
        await _api.Driver.WaitUntilAsync(d => d.LiveCountOf(fnId) == 1);
        Assert.Equal(HttpStatusCode.NoContent, (await _api.DeleteAsync($"/v2/fns/{fnId}")).Status);
        _api.Time.Advance(TimeSpan.FromSeconds(5));

        await _api.Driver.WaitUntilAsync(d => d.LiveCountOf(fnId) == 0);
    }

    [Fact]
    public async Task CreateFn_MinHotMemoryOverTheNodes_400NamingTheMemory()
    {
        var appId = (await _api.CreateAppAsync("a")).GetProperty("id").GetString()!;

        var response = await _api.PostAsync("/v2/fns", $$$"""{"app_id":"{{{appId}}}","name":"f","image":"i","memory":256,"annotations":{"fnsharp.io/min-hot":3}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.StartsWith("Invalid annotation fnsharp.io/min-hot: 3 containers of 256 MiB need 768 MiB, and this node can keep 512 MiB hot (512 MiB for containers", response.Message, StringComparison.Ordinal);
        Assert.Equal(0, _api.Driver.CreatedCount);
    }

    [Fact]
    public async Task ServerStart_StoredFnWithMinHot_ContainersStart()
    {
        var appId = (await _api.CreateAppAsync("a")).GetProperty("id").GetString()!;
        var fnId = (await _api.CreateFnAsync(appId, "f", ""","annotations":{"fnsharp.io/min-hot":1}""")).GetProperty("id").GetString()!;
        await _api.Driver.WaitUntilAsync(d => d.LiveCountOf(fnId) == 1);
        await _api.DisposeAsync();

        _api = NewHarness();
        Assert.Equal(HttpStatusCode.OK, (await _api.GetAsync($"/v2/fns/{fnId}")).Status);

        await _api.Driver.WaitUntilAsync(d => d.LiveCountOf(fnId) == 1);
    }

    private ApiHarness NewHarness()
    {
        var api = new ApiHarness(_data);
        api.Server.Settings["FN_MAX_TOTAL_MEMORY_BYTES"] = (512L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return api;
    }
}
