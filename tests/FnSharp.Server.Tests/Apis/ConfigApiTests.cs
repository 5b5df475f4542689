using System.Net;
using System.Text.Json;
using FnSharp.Testing;

namespace FnSharp.Server.Tests.Apis;

/// <summary>
/// Config that a container's environment cannot hold is refused at create and update of apps and fns,
/// with a 400 naming the key, and nothing is stored; what Fn accepts and a process receives stays accepted.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class ConfigApiTests : IAsyncLifetime
{
    private readonly ApiHarness _api = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _api.DisposeAsync();

    public static TheoryData<string, string> Refused => new()
    {
        { """{"":"v"}""", "config key '' is not valid: it is empty; each config key becomes the name of an environment variable in the fn's containers" },
        { """{"A=B":"v"}""", "config key 'A=B' is not valid: it contains '=', where the variable's name would end; each config key becomes the name of an environment variable in the fn's containers" },
        { """{"A\u0000B":"v"}""", "config key 'A\\0B' is not valid: it contains NUL (\\0); each config key becomes the name of an environment variable in the fn's containers" },
        { """{"TOKEN":"a\u0000b"}""", "config value of 'TOKEN' is not valid: it contains NUL (\\0), which an environment variable cannot hold" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task CreateApp_ConfigTheEngineRefuses_400NamingTheKey(string config, string message)
    {
        var response = await _api.PostAsync("/v2/apps", $$"""{"name":"a","config":{{config}}}""");

        Assert.Equal((HttpStatusCode.BadRequest, message), (response.Status, response.Message));
        Assert.Equal("[]", ApiHarness.Ok(await _api.GetAsync("/v2/apps")).GetProperty("items").GetRawText());
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task CreateFn_ConfigTheEngineRefuses_400NamingTheKey(string config, string message)
    {
        var appId = (await _api.CreateAppAsync("a")).GetProperty("id").GetString()!;

        var response = await _api.PostAsync("/v2/fns", $$"""{"app_id":"{{appId}}","name":"f","image":"i:1","config":{{config}}}""");

        Assert.Equal((HttpStatusCode.BadRequest, message), (response.Status, response.Message));
        Assert.Equal("[]", ApiHarness.Ok(await _api.GetAsync("/v2/fns?app_id=" + appId)).GetProperty("items").GetRawText());
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task UpdateAppAndFn_ConfigTheEngineRefuses_400AndConfigKept(string config, string message)
    {
        var appId = (await _api.CreateAppAsync("a", ""","config":{"KEPT":"1"}""")).GetProperty("id").GetString()!;
        var fnId = (await _api.CreateFnAsync(appId, "f", ""","config":{"KEPT":"2"}""")).GetProperty("id").GetString()!;

        var app = await _api.PutAsync("/v2/apps/" + appId, $$"""{"config":{{config}}}""");
        var fn = await _api.PutAsync("/v2/fns/" + fnId, $$"""{"config":{{config}}}""");

        Assert.Equal((HttpStatusCode.BadRequest, message), (app.Status, app.Message));
        Assert.Equal((HttpStatusCode.BadRequest, message), (fn.Status, fn.Message));
        Assert.Equal("""{"KEPT":"1"}""", ApiHarness.Ok(await _api.GetAsync("/v2/apps/" + appId)).GetProperty("config").GetRawText());
        Assert.Equal("""{"KEPT":"2"}""", ApiHarness.Ok(await _api.GetAsync("/v2/fns/" + fnId)).GetProperty("config").GetRawText());
    }

    [Fact]
    public async Task UpdateApp_ValueTooLongForOneVariable_400WithItsLength()
    {
        var appId = (await _api.CreateAppAsync("a")).GetProperty("id").GetString()!;
        var value = new string('x', 131_070);

        var response = await _api.PutAsync("/v2/apps/" + appId, $$$"""{"config":{"BIG":"{{{value}}}"}}""");

        Assert.Equal((HttpStatusCode.BadRequest, "config entry 'BIG' is too long: 131074 bytes as KEY=VALUE in UTF-8, more than the 131071 one environment variable may take"), (response.Status, response.Message));
    }

    [Fact]
    public async Task CreateApp_KeysFnAcceptsThatAProcessReceives_Stored()
    {
        const string Config = """{"A B":"1","1A":"2","a.b-c":"3","ÄÖ":"4","EMPTY":""}""";

        var created = await _api.CreateAppAsync("a", ""","config":""" + Config);

        Assert.Equal(
            JsonSerializer.Deserialize<SortedDictionary<string, string>>(Config),
            JsonSerializer.Deserialize<SortedDictionary<string, string>>(created.GetProperty("config").GetRawText()));
    }

    [Fact]
    public async Task UpdateApp_RemovingTheOnlyBadKeyTogetherWithAChange_Accepted()
    {
        var appId = (await _api.CreateAppAsync("a", ""","config":{"A":"1"}""")).GetProperty("id").GetString()!;

        var response = await _api.PutAsync("/v2/apps/" + appId, """{"config":{"A=B":"","B":"2"}}""");

        Assert.Equal("""{"A":"1","B":"2"}""", ApiHarness.Ok(response).GetProperty("config").GetRawText());
    }
}
