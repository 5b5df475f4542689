using System.Net;
using System.Text.Json;
using FnSharp.Testing;

namespace FnSharp.Server.Tests.Apis;

/// <summary><c>/v2/triggers</c> through the real HTTP pipeline.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class TriggersApiTests : IAsyncLifetime
{
    private readonly ApiHarness _api = new();
    private string _appId = "";
    private string _fnId = "";

    public async Task InitializeAsync()
    {
        _appId = (await _api.CreateAppAsync("tapp")).GetProperty("id").GetString()!;
        _fnId = (await _api.CreateFnAsync(_appId, "tfn")).GetProperty("id").GetString()!;
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task CreateTrigger_Valid_EveryFieldAndHttpEndpoint()
    {
        var created = await _api.CreateTriggerAsync(_appId, _fnId, "hook", "/say/hello", ""","annotations":{"k":"v"}""");

        var read = ApiHarness.Ok(await _api.GetAsync($"/v2/triggers/{created.GetProperty("id").GetString()}"));

        foreach (var t in new[] { created, read })
        {
            Assert.Equal(26, t.GetProperty("id").GetString()!.Length);
            Assert.Equal(("hook", _appId, _fnId, "http", "/say/hello"), (t.GetProperty("name").GetString(), t.GetProperty("app_id").GetString(), t.GetProperty("fn_id").GetString(), t.GetProperty("type").GetString(), t.GetProperty("source").GetString()));
            Assert.Equal("v", t.GetProperty("annotations").GetProperty("k").GetString());
            Assert.Equal("http://localhost/t/tapp/say/hello", t.GetProperty("annotations").GetProperty("fnproject.io/trigger/httpEndpoint").GetString());
            Assert.Equal("2026-11-30T10:29:07.577Z", t.GetProperty("created_at").GetString());
            Assert.Equal("2026-11-30T10:29:07.577Z", t.GetProperty("updated_at").GetString());
        }
    }

    [Theory]
    [InlineData("""{"id":"X","app_id":"APP","fn_id":"FN","name":"t","type":"http","source":"/s"}""", "ID cannot be provided for create")]
    [InlineData("""{"app_id":"APP","fn_id":"FN","name":"t","type":"http","source":"/s","created_at":"2026-01-01T00:00:00.000Z"}""", "Trigger Created At Provided for Create")]
    [InlineData("""{"app_id":"APP","fn_id":"FN","name":"t","type":"http","source":"/s","updated_at":"2026-01-01T00:00:00.000Z"}""", "Trigger ID Provided for Create")]
    [InlineData("""{"fn_id":"FN","name":"t","type":"http","source":"/s"}""", "Missing App ID")]
    [InlineData("""{"app_id":"APP","fn_id":"FN","type":"http","source":"/s"}""", "Missing Name")]
    [InlineData("""{"app_id":"APP","fn_id":"FN","name":"a b","type":"http","source":"/s"}""", "trigger name must be 1 to 255 characters, each a letter, a digit, '_' or '-'")]
    [InlineData("""{"app_id":"APP","name":"t","type":"http","source":"/s"}""", "Missing Fn ID")]
    [InlineData("""{"app_id":"APP","fn_id":"FN","name":"t","type":"kafka","source":"/s"}""", "Trigger Type Not Supported")]
    [InlineData("""{"app_id":"APP","fn_id":"FN","name":"t","type":"http","source":"/s","annotations":{"fnsharp.io/invoke-type":"async"}}""", "Invalid annotation fnsharp.io/invoke-type: use \"sync\" (the default) or \"detached\"")]
    [InlineData("""{"app_id":"APP","fn_id":"FN","name":"t","source":"/s"}""", "Trigger Type Not Supported")]
    [InlineData("""{"app_id":"APP","fn_id":"FN","name":"t","type":"http"}""", "Missing Trigger Source")]
    [InlineData("""{"app_id":"APP","fn_id":"FN","name":"t","type":"http","source":"s"}""", "Missing Trigger Source Prefix '/'")]
    [InlineData("""{"app_id":"APP","fn_id":"FN","name":"t","type":"http","source":"/s","annotations":{"k":{}}}""", null)]
    [InlineData("""{"app_id":"APP","fn_id":"FN","name":"t","type":"http","source":"/s","annotations":{"k":false}}""", "Invalid annotation value, annotation values may only be non-empty strings, numbers, objects, or arrays")]
    [InlineData("""{"app_id":"APP","fn_id":"FN","name":"t","type":"http","source":null}""", "Missing Trigger Source")]
    [InlineData("""{"app_id":"APP","fn_id":"FN","name":"t","type":"http","source":"/s","created_at":null,"annotations":null}""", null)]
    [InlineData("""{"app_id":"APP","fn_id":"FN","name":"t","type":"http","source":"/s","created_at":5}""", "Invalid JSON")]
    public async Task CreateTrigger_BadBody_400WithMessage(string body, string? message)
    {
        // The quoted placeholders only: a generated app id may itself contain the letters "FN".
        var response = await _api.PostAsync("/v2/triggers", body.Replace("\"APP\"", $"\"{_appId}\"", StringComparison.Ordinal).Replace("\"FN\"", $"\"{_fnId}\"", StringComparison.Ordinal));

        Assert.Equal(message is null ? HttpStatusCode.OK : HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(message, response.Message);
    }

    [Fact]
    public async Task CreateTrigger_MissingOrForeignParents_FnsErrors()
    {
        var other = (await _api.CreateAppAsync("other")).GetProperty("id").GetString()!;
        var otherFn = (await _api.CreateFnAsync(other, "f")).GetProperty("id").GetString()!;
        const string Missing = "01M8P1J06Q0004AM48VSSRJMF2";

        var noApp = await _api.PostAsync("/v2/triggers", $$"""{"app_id":"{{Missing}}","fn_id":"{{_fnId}}","name":"t","type":"http","source":"/s"}""");
        var noFn = await _api.PostAsync("/v2/triggers", $$"""{"app_id":"{{_appId}}","fn_id":"{{Missing}}","name":"t","type":"http","source":"/s"}""");
        var foreign = await _api.PostAsync("/v2/triggers", $$"""{"app_id":"{{_appId}}","fn_id":"{{otherFn}}","name":"t","type":"http","source":"/s"}""");

        Assert.Equal((HttpStatusCode.NotFound, "App not found"), (noApp.Status, noApp.Message));
        Assert.Equal((HttpStatusCode.NotFound, "Fn not found"), (noFn.Status, noFn.Message));
        Assert.Equal((HttpStatusCode.BadRequest, "Invalid Fn ID - not owned by specified app"), (foreign.Status, foreign.Message));
    }

    [Fact]
    public async Task CreateTrigger_Duplicates_409s()
    {
        await _api.CreateTriggerAsync(_appId, _fnId, "t", "/s");
        var otherFn = (await _api.CreateFnAsync(_appId, "other")).GetProperty("id").GetString()!;

        var sameName = await _api.PostAsync("/v2/triggers", $$"""{"app_id":"{{_appId}}","fn_id":"{{_fnId}}","name":"t","type":"http","source":"/other"}""");
        var sameSource = await _api.PostAsync("/v2/triggers", $$"""{"app_id":"{{_appId}}","fn_id":"{{otherFn}}","name":"u","type":"http","source":"/s"}""");
        var sameNameOtherFn = await _api.PostAsync("/v2/triggers", $$"""{"app_id":"{{_appId}}","fn_id":"{{otherFn}}","name":"t","type":"http","source":"/x"}""");

        Assert.Equal((HttpStatusCode.Conflict, "Trigger already exists"), (sameName.Status, sameName.Message));
        Assert.Equal((HttpStatusCode.Conflict, "Trigger with the same type and source exists on this app"), (sameSource.Status, sameSource.Message));
        Assert.Equal(HttpStatusCode.OK, sameNameOtherFn.Status);
    }

    [Fact]
    public async Task ListTriggers_Filters_ByAppFnAndName()
    {
        var otherFn = (await _api.CreateFnAsync(_appId, "other")).GetProperty("id").GetString()!;
        await _api.CreateTriggerAsync(_appId, _fnId, "b", "/b");
        await _api.CreateTriggerAsync(_appId, _fnId, "a", "/a");
        await _api.CreateTriggerAsync(_appId, otherFn, "a", "/c");

        var ofApp = (await _api.GetAsync($"/v2/triggers?app_id={_appId}")).Json.GetProperty("items");
        var ofFn = (await _api.GetAsync($"/v2/triggers?app_id={_appId}&fn_id={_fnId}")).Json.GetProperty("items");
        var named = (await _api.GetAsync($"/v2/triggers?app_id={_appId}&name=a")).Json.GetProperty("items");

        Assert.Equal(["a", "a", "b"], ofApp.EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.All(ofApp.EnumerateArray(), t => Assert.StartsWith("http://localhost/t/tapp/", t.GetProperty("annotations").GetProperty("fnproject.io/trigger/httpEndpoint").GetString(), StringComparison.Ordinal));
        Assert.Equal(["/a", "/b"], ofFn.EnumerateArray().Select(t => t.GetProperty("source").GetString()));
        Assert.Equal(2, named.GetArrayLength());
    }

    [Fact]
    public async Task ListTriggers_SameNameAcrossFnsInPagesOfOne_NoGapNoRepeat()
    {
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var fnId = (await _api.CreateFnAsync(_appId, $"f{i}")).GetProperty("id").GetString()!;
            ids.Add((await _api.CreateTriggerAsync(_appId, fnId, "same", $"/s{i}")).GetProperty("id").GetString()!);
        }

        var seen = new List<string>();
        var path = $"/v2/triggers?app_id={_appId}&per_page=1";
        while (true)
        {
            var page = (await _api.GetAsync(path)).Json;
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetString()!));
            if (!page.TryGetProperty("next_cursor", out var cursor))
            {
                break;
            }

            path = $"/v2/triggers?app_id={_appId}&per_page=1&cursor={cursor.GetString()}";
        }

        Assert.Equal(ids.Order(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task UpdateTrigger_MergeRules_Applied()
    {
        var trigger = await _api.CreateTriggerAsync(_appId, _fnId, "t", "/old", ""","annotations":{"a":1,"b":2}""");
        var id = trigger.GetProperty("id").GetString();
        _api.Time.Advance(TimeSpan.FromMilliseconds(10));

        var updated = ApiHarness.Ok(await _api.PutAsync($"/v2/triggers/{id}", $$$"""{"id":"{{{id}}}","type":"http","app_id":"{{{_appId}}}","name":"renamed","source":"/new","annotations":{"a":null,"b":"","c":[1]}}"""));
        var read = ApiHarness.Ok(await _api.GetAsync($"/v2/triggers/{id}"));

        foreach (var t in new[] { updated, read })
        {
            Assert.Equal(("renamed", "/new"), (t.GetProperty("name").GetString(), t.GetProperty("source").GetString()));
            Assert.Equal(["c", "fnproject.io/trigger/httpEndpoint"], t.GetProperty("annotations").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.Equal("http://localhost/t/tapp/new", t.GetProperty("annotations").GetProperty("fnproject.io/trigger/httpEndpoint").GetString());
            Assert.Equal("2026-11-30T10:29:07.587Z", t.GetProperty("updated_at").GetString());
        }
    }

    [Theory]
    [InlineData("""{"annotations":null}""")]
    [InlineData("""{"name":null,"source":null,"type":null,"app_id":null,"fn_id":null,"annotations":null,"id":null}""")]
    [InlineData("null")]
    public async Task UpdateTrigger_NullFields_TriggerUnchangedAsFnDoes(string body)
    {
        // Fn's Trigger.Update keeps a field whose patch is "" or nil.
        var trigger = ApiHarness.Ok(await _api.PostAsync("/v2/triggers", $$$"""{"app_id":"{{{_appId}}}","fn_id":"{{{_fnId}}}","name":"t","type":"http","source":"/t","annotations":{"k":"v"}}"""));
        var id = trigger.GetProperty("id").GetString();

        var updated = ApiHarness.Ok(await _api.PutAsync($"/v2/triggers/{id}", body));

        Assert.Equal(trigger.GetRawText(), updated.GetRawText());
        Assert.Equal(trigger.GetRawText(), ApiHarness.Ok(await _api.GetAsync($"/v2/triggers/{id}")).GetRawText());
    }

    [Theory]
    [InlineData("""{"type":"cron"}""", HttpStatusCode.Conflict, "Could not update - app_id, fn_id and type of a trigger are immutable")]
    [InlineData("""{"fn_id":"01M8P1J06Q0004AM48VSSRJMF2"}""", HttpStatusCode.Conflict, "Could not update - app_id, fn_id and type of a trigger are immutable")]
    [InlineData("""{"id":"01M8P1J06Q0004AM48VSSRJMF2"}""", HttpStatusCode.BadRequest, "Trigger ID in path does not match ID in body")]
    [InlineData("""{"source":"nope"}""", HttpStatusCode.BadRequest, "Missing Trigger Source Prefix '/'")]
    [InlineData("""{"source":"/taken"}""", HttpStatusCode.Conflict, "Trigger with the same type and source exists on this app")]
    [InlineData("""{"name":"taken"}""", HttpStatusCode.Conflict, "Trigger already exists")]
    [InlineData("""{"name":"a b"}""", HttpStatusCode.BadRequest, "trigger name must be 1 to 255 characters, each a letter, a digit, '_' or '-'")]
    public async Task UpdateTrigger_Refused_ErrorAndTriggerUnchanged(string body, HttpStatusCode status, string message)
    {
        await _api.CreateTriggerAsync(_appId, _fnId, "taken", "/taken");
        var trigger = await _api.CreateTriggerAsync(_appId, _fnId, "t", "/t");
        var id = trigger.GetProperty("id").GetString();

        var response = await _api.PutAsync($"/v2/triggers/{id}", body);

        Assert.Equal((status, message), (response.Status, response.Message));
        Assert.Equal(trigger.GetRawText(), ApiHarness.Ok(await _api.GetAsync($"/v2/triggers/{id}")).GetRawText());
    }

    [Fact]
    public async Task GetUpdateDeleteTrigger_Unknown_404()
    {
        const string Path = "/v2/triggers/01M8P1J06Q0004AM48VSSRJMF2";

        foreach (var response in new[] { await _api.GetAsync(Path), await _api.PutAsync(Path, "{}"), await _api.DeleteAsync(Path) })
        {
            Assert.Equal((HttpStatusCode.NotFound, "Trigger not found"), (response.Status, response.Message));
        }
    }

    [Fact]
    public async Task DeleteTrigger_Existing_204ThenGone()
    {
        var id = (await _api.CreateTriggerAsync(_appId, _fnId, "t", "/t")).GetProperty("id").GetString();

        var deleted = await _api.DeleteAsync($"/v2/triggers/{id}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.GetAsync($"/v2/triggers/{id}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await _api.GetAsync($"/v2/fns/{_fnId}")).Status);
    }

    [Fact]
    public async Task CreateTrigger_UnicodeAppName_EndpointCarriesIt()
    {
        var appId = (await _api.CreateAppAsync("приложение")).GetProperty("id").GetString()!;
        var fnId = (await _api.CreateFnAsync(appId, "f")).GetProperty("id").GetString()!;

        var trigger = await _api.CreateTriggerAsync(appId, fnId, "триггер", "/x");

        Assert.Equal("триггер", trigger.GetProperty("name").GetString());
        Assert.Equal("http://localhost/t/приложение/x", trigger.GetProperty("annotations").GetProperty("fnproject.io/trigger/httpEndpoint").GetString());
        Assert.Equal(JsonValueKind.Object, trigger.ValueKind);
    }
}
