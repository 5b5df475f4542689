using System.Net;
using System.Text.Json;
using FnSharp.Core.Storage;
using FnSharp.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FnSharp.Server.Tests.Apis;

/// <summary><c>/v2/fns</c> through the real HTTP pipeline.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class FnsApiTests : IAsyncLifetime
{
    private readonly ApiHarness _api = new();
    private string _appId = "";

    public async Task InitializeAsync() => _appId = (await _api.CreateAppAsync("fns", ""","shape":"GENERIC_X86_ARM" """)).GetProperty("id").GetString()!;

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task CreateFn_AppWithoutShape_ShapeLeftOutAndConfigWrittenAsFnDoes()
    {
        var app = (await _api.CreateAppAsync("noshape")).GetProperty("id").GetString()!;

        var created = await _api.CreateFnAsync(app, "hello");
        var read = ApiHarness.Ok(await _api.GetAsync($"/v2/fns/{created.GetProperty("id").GetString()}"));
        var listed = ApiHarness.Ok(await _api.GetAsync($"/v2/fns?app_id={app}")).GetProperty("items")[0];

        // Fn's Fn has omitempty on shape and annotations, not on config: its create writes the map SetDefaults made, {};
        // its GET and list the nil map its store reads back for an empty config, null.
        Assert.Equal(
            ("{}", "null", "null"),
            (created.GetProperty("config").GetRawText(), read.GetProperty("config").GetRawText(), listed.GetProperty("config").GetRawText()));
        Assert.All(new[] { created, read, listed }, fn => Assert.False(fn.TryGetProperty("shape", out _)));
    }

    [Theory]
    [InlineData("", """{"image":"i:2"}""", "null")]
    [InlineData("", """{"config":null}""", "null")]
    [InlineData("", """{"config":{}}""", "{}")]
    [InlineData("", """{"config":{"A":""}}""", "{}")]
    [InlineData("""{"A":"1"}""", """{"image":"i:2"}""", """{"A":"1"}""")]
    [InlineData("""{"A":"1"}""", """{"config":{"A":""}}""", "{}")]
    public async Task UpdateFn_EmptyConfigAfter_WrittenAsFnsMergeLeavesIt(string config, string body, string written)
    {
        // Fn's Fn.Update makes a map only when the body sent a config (even {}) or the fn had one; else its answer
        // writes the nil map its store read back, null.
        var fields = config.Length > 0 ? $",\"config\":{config}" : "";
        var id = ApiHarness.Ok(await _api.PostAsync("/v2/fns", $$"""{"name":"f","app_id":"{{_appId}}","image":"i:1"{{fields}}}""")).GetProperty("id").GetString();

        var updated = ApiHarness.Ok(await _api.PutAsync($"/v2/fns/{id}", body));

        Assert.Equal(written, updated.GetProperty("config").GetRawText());
        Assert.Equal(config.Length > 0 && written != "{}" ? config : "null", ApiHarness.Ok(await _api.GetAsync($"/v2/fns/{id}")).GetProperty("config").GetRawText());
    }

    [Fact]
    public async Task CreateFn_Minimal_DefaultsShapeOfAppAndInvokeEndpoint()
    {
        var fn = await _api.CreateFnAsync(_appId, "hello");

        Assert.Equal((128, 30, 30), (fn.GetProperty("memory").GetInt32(), fn.GetProperty("timeout").GetInt32(), fn.GetProperty("idle_timeout").GetInt32()));
        Assert.Equal("GENERIC_X86_ARM", fn.GetProperty("shape").GetString());
        Assert.Equal(_appId, fn.GetProperty("app_id").GetString());
        Assert.Equal($"http://localhost/invoke/{fn.GetProperty("id").GetString()}", fn.GetProperty("annotations").GetProperty("fnproject.io/fn/invokeEndpoint").GetString());
        Assert.Equal("2026-11-30T10:29:07.577Z", fn.GetProperty("created_at").GetString());
    }

    [Fact]
    public async Task CreateFn_PublicLbUrlSet_EndpointsUseIt()
    {
        await using var api = new ApiHarness();
        api.Server.Settings["FN_PUBLIC_LB_URL"] = "https://fn.example.com:8443/";
        var appId = (await api.CreateAppAsync("lb")).GetProperty("id").GetString()!;

        var fn = await api.CreateFnAsync(appId, "f");
        var trigger = await api.CreateTriggerAsync(appId, fn.GetProperty("id").GetString()!, "t", "/hook");

        Assert.Equal($"https://fn.example.com:8443/invoke/{fn.GetProperty("id").GetString()}", fn.GetProperty("annotations").GetProperty("fnproject.io/fn/invokeEndpoint").GetString());
        Assert.Equal("https://fn.example.com:8443/t/lb/hook", trigger.GetProperty("annotations").GetProperty("fnproject.io/trigger/httpEndpoint").GetString());
    }

    [Theory]
    [InlineData("""{"name":"f","app_id":"APP","image":"i","memory":9000}""", "memory value is out of range. It should be between 0 and 8192")]
    [InlineData("""{"name":"f","app_id":"APP","image":"i","memory":-1}""", "memory value is out of range. It should be between 0 and 8192")]
    [InlineData("""{"name":"f","app_id":"APP","image":"i","timeout":301}""", "timeout value is out of range, must be between 0 and 300")]
    [InlineData("""{"name":"f","app_id":"APP","image":"i","idle_timeout":3601}""", "idle_timeout value is out of range, must be between 0 and 3600")]
    [InlineData("""{"name":"f","app_id":"APP"}""", "Missing image")]
    [InlineData("""{"name":"f","image":"i"}""", "Missing App ID")]
    [InlineData("""{"app_id":"APP","image":"i"}""", "Missing Name")]
    [InlineData("""{"name":"a/b","app_id":"APP","image":"i"}""", "fn name must be 1 to 255 characters that need no escaping in a URL path")]
    [InlineData("""{"name":"f","app_id":"APP","image":"i","id":"X"}""", "ID cannot be provided for create")]
    [InlineData("""{"name":"f","app_id":"APP","image":"i","annotations":{"k":""}}""", "Invalid annotation value, annotation values may only be non-empty strings, numbers, objects, or arrays")]
    [InlineData("""{"name":"f","app_id":"APP","image":"i","annotations":{"fnsharp.io/async-retries":99}}""", "Invalid annotation fnsharp.io/async-retries: use an integer from 0 to 10 (the retries of a detached call after a function failure)")]
    [InlineData("""{"name":"f","app_id":"APP","image":"i","annotations":{"fnsharp.io/async-retries":"lots"}}""", "Invalid annotation fnsharp.io/async-retries: use an integer from 0 to 10 (the retries of a detached call after a function failure)")]
    [InlineData("""{"name":"f","app_id":"APP","image":"i","annotations":{"fnsharp.io/async-retries":-1}}""", "Invalid annotation fnsharp.io/async-retries: use an integer from 0 to 10 (the retries of a detached call after a function failure)")]
    [InlineData("""{"name":"f","app_id":"APP","image":"i","annotations":{"fnsharp.io/min-hot":101}}""", "Invalid annotation fnsharp.io/min-hot: use an integer from 0 to 100 (the containers of the fn kept hot)")]
    [InlineData("""{"name":"f","app_id":"APP","image":"i","annotations":{"fnsharp.io/min-hot":-1}}""", "Invalid annotation fnsharp.io/min-hot: use an integer from 0 to 100 (the containers of the fn kept hot)")]
    [InlineData("""{"name":"f","app_id":"APP","image":"i","annotations":{"fnsharp.io/min-hot":1.5}}""", "Invalid annotation fnsharp.io/min-hot: use an integer from 0 to 100 (the containers of the fn kept hot)")]
    [InlineData("""{"name":"f","app_id":"APP","image":"i","annotations":{"fnsharp.io/min-hot":"two"}}""", "Invalid annotation fnsharp.io/min-hot: use an integer from 0 to 100 (the containers of the fn kept hot)")]
    [InlineData("""{"name":"f","app_id":"APP","image":"i","annotations":{"fnsharp.io/pull-policy":"Always"}}""", "Invalid annotation fnsharp.io/pull-policy: use \"if-not-present\" (the default: pull only a missing image) or \"always\" (pull before each start, for moving tags)")]
    [InlineData("""{"name":"f","app_id":"APP","image":"i","memory":"lots"}""", "Invalid JSON")]
    [InlineData("""{"name":"f","app_id":"APP","image":"i","memory":1e12}""", "Invalid JSON")]
    [InlineData("""{"name":"f","app_id":"APP","image":null}""", "Missing image")]
    [InlineData("""{"name":null,"app_id":"APP","image":"i"}""", "Missing Name")]
    [InlineData("""{"name":"f","app_id":null,"image":"i"}""", "Missing App ID")]
    [InlineData("""[{"name":"f"}]""", "Invalid JSON")]
    public async Task CreateFn_BadBody_400WithMessage(string body, string message)
    {
        var response = await _api.PostAsync("/v2/fns", body.Replace("APP", _appId, StringComparison.Ordinal));

        Assert.Equal((HttpStatusCode.BadRequest, message), (response.Status, response.Message));
    }

    [Theory]
    [InlineData("", "The body is empty: send a JSON object.")]
    [InlineData("""{"name":"f",""", "The body stops being JSON at line 1, byte 12.")]
    [InlineData("{\n\"name\": \"f\",\n\"memory\": 12x}", "The body stops being JSON at line 3, byte 13.")]
    [InlineData("""[{"name":"f"}]""", "The body must be a JSON object.")]
    [InlineData("""{"name":"f","app_id":"APP","image":"i","memory":"lots"}""", "memory must be an integer.")]
    [InlineData("""{"name":"f","app_id":"APP","image":"i","memory":"128"}""", "memory must be an integer.")]
    [InlineData("""{"name":"f","app_id":"APP","image":"i","timeout":"30"}""", "timeout must be an integer.")]
    [InlineData("""{"name":"f","app_id":"APP","image":"i","idle_timeout":"30"}""", "idle_timeout must be an integer.")]
    [InlineData("""{"name":"f","app_id":"APP","image":"i","memory":2147483648}""", "memory must be an integer from -2147483648 to 2147483647, not 2147483648.")]
    [InlineData("{\n\"name\": \"f\", \"app_id\": \"APP\", \"image\": \"i\",\n\"timeout\": -99999999999999999999}", "timeout must be an integer from -2147483648 to 2147483647, not -99999999999999999999.")]
    [InlineData("""{"name":"f","app_id":"APP","image":"i","idle_timeout":12345678901234567890123456789012345678901234567890123456789012345678901234567890}""", "idle_timeout must be an integer from -2147483648 to 2147483647, not 1234567890123456789012345678901234567890123456789012345678901234....")]
    [InlineData("""{"name":"f","app_id":"APP","image":"i","memory":128.0}""", "memory must be an integer.")]
    [InlineData("""{"name":"f","app_id":"APP","image":"i","memory":1e2}""", "memory must be an integer.")]
    [InlineData("""{"name":"f","app_id":"APP","image":"i","memory":true}""", "memory must be an integer.")]
    [InlineData("""{"name":"f","app_id":"APP","image":"i","config":{"k":1}}""", "config must be an object of string values: config.k is not.")]
    [InlineData("""{"name":"f","app_id":"APP","image":"i","created_at":"yesterday"}""", "created_at must be an RFC 3339 time such as \"2026-12-05T10:00:00Z\".")]
    [InlineData("""{"name":"\ud800","app_id":"APP","image":"i"}""", "name is not text: its string holds bytes that are not UTF-8 or an unpaired surrogate such as \\ud800.")]
    [InlineData("{\n\"name\": \"f\", \"app_id\": \"APP\", \"image\": \"i\",\n\"config\": {\"k\": \"a\\udc00\"}}", "config.k is not text: its string holds bytes that are not UTF-8 or an unpaired surrogate such as \\ud800.")]
    [InlineData("""{"name":5,"app_id":"APP","image":"i","config":{"k":"\ud800"}}""", "name must be a string.")]
    public async Task CreateFn_InvalidJson_DetailSaysWhereAndWhatToSend(string body, string detail)
    {
        var response = await _api.PostAsync("/v2/fns", body.Replace("APP", _appId, StringComparison.Ordinal));

        Assert.Equal((HttpStatusCode.BadRequest, "Invalid JSON", detail), (response.Status, response.Message, response.Detail));
    }

    [Fact]
    public async Task CreateFn_NameNotUtf8_DetailSaysItIsNotText()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2/fns")
        {
            Content = new ByteArrayContent([.. """{"app_id":"APP","image":"i","name":"f"""u8, 0xFF, .. "\"}"u8]),
        };

        var response = await _api.SendAsync(request);

        Assert.Equal(
            (HttpStatusCode.BadRequest, "Invalid JSON", "name is not text: its string holds bytes that are not UTF-8 or an unpaired surrogate such as \\ud800."),
            (response.Status, response.Message, response.Detail));
    }

    [Fact]
    public async Task CreateFn_UnknownApp_404()
    {
        var response = await _api.PostAsync("/v2/fns", """{"name":"f","app_id":"01M8P1J06Q0004AM48VSSRJMF2","image":"i"}""");

        Assert.Equal((HttpStatusCode.NotFound, "App not found"), (response.Status, response.Message));
    }

    [Fact]
    public async Task CreateFn_EightParallelSameName_One200Seven409()
    {
        var body = $$"""{"name":"race","app_id":"{{_appId}}","image":"i"}""";

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => _api.PostAsync("/v2/fns", body))));

        Assert.Equal(1, responses.Count(r => r.Status == HttpStatusCode.OK));
        Assert.All(responses.Where(r => r.Status != HttpStatusCode.OK), r => Assert.Equal((HttpStatusCode.Conflict, "Fn with specified name already exists"), (r.Status, r.Message)));
    }

    [Theory]
    [InlineData("привет")]
    [InlineData("a b")]
    [InlineData("a/b")]
    [InlineData("a?b")]
    public async Task CreateFn_NameThatUrlPathEscapingChanges_400LikeFn(string name)
    {
        var response = await _api.PostAsync("/v2/fns", $$"""{"app_id":"{{_appId}}","name":{{JsonSerializer.Serialize(name)}},"image":"i"}""");

        Assert.Equal((HttpStatusCode.BadRequest, "fn name must be 1 to 255 characters that need no escaping in a URL path"), (response.Status, response.Message));
    }

    [Fact]
    public async Task CreateFn_NameWithCharactersPathEscapingKeeps_RoundTrips()
    {
        var fn = await _api.CreateFnAsync(_appId, "v1.2~a_b-c:d@e=f+g,h;i$j&k");

        Assert.Equal("v1.2~a_b-c:d@e=f+g,h;i$j&k", ApiHarness.Ok(await _api.GetAsync($"/v2/fns/{fn.GetProperty("id").GetString()}")).GetProperty("name").GetString());
    }

    [Fact]
    public async Task ListFns_250InPagesOf100_100Then100Then50NoGapNoRepeat()
    {
        var names = Enumerable.Range(0, 250).Select(i => $"fn{i:D3}").ToList();
        foreach (var name in names.OrderBy(n => n.GetHashCode(StringComparison.Ordinal)))
        {
            await _api.CreateFnAsync(_appId, name);
        }

        var pages = new List<JsonElement>();
        var path = $"/v2/fns?app_id={_appId}&per_page=100";
        while (true)
        {
            pages.Add((await _api.GetAsync(path)).Json);
            if (!pages[^1].TryGetProperty("next_cursor", out var cursor))
            {
                break;
            }

            path = $"/v2/fns?app_id={_appId}&per_page=100&cursor={cursor.GetString()}";
        }

        Assert.Equal([100, 100, 50], pages.Select(p => p.GetProperty("items").GetArrayLength()));
        Assert.Equal(names, pages.SelectMany(p => p.GetProperty("items").EnumerateArray()).Select(f => f.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task ListFns_Filters_ByAppAndName()
    {
        var other = (await _api.CreateAppAsync("other")).GetProperty("id").GetString()!;
        await _api.CreateFnAsync(_appId, "a");
        await _api.CreateFnAsync(_appId, "b");
        await _api.CreateFnAsync(other, "a");

        var ofApp = (await _api.GetAsync($"/v2/fns?app_id={_appId}")).Json.GetProperty("items");
        var named = (await _api.GetAsync("/v2/fns?name=a")).Json.GetProperty("items");
        var both = (await _api.GetAsync($"/v2/fns?app_id={other}&name=a")).Json.GetProperty("items");

        Assert.Equal(["a", "b"], ofApp.EnumerateArray().Select(f => f.GetProperty("name").GetString()));
        Assert.Equal(2, named.GetArrayLength());
        Assert.Equal(other, Assert.Single(both.EnumerateArray()).GetProperty("app_id").GetString());
    }

    [Fact]
    public async Task UpdateFn_MergeRules_Applied()
    {
        var fn = await _api.CreateFnAsync(_appId, "f", ""","memory":256,"config":{"KEEP":"1","DROP":"2"},"annotations":{"a":1,"b":2}""");
        var id = fn.GetProperty("id").GetString();
        _api.Time.Advance(TimeSpan.FromSeconds(1));

        var updated = ApiHarness.Ok(await _api.PutAsync($"/v2/fns/{id}", """{"image":"new:2","timeout":60,"config":{"DROP":"","NEW":"3"},"annotations":{"a":null,"b":"","c":"x"}}"""));
        var read = ApiHarness.Ok(await _api.GetAsync($"/v2/fns/{id}"));

        foreach (var f in new[] { updated, read })
        {
            Assert.Equal(("f", "new:2", 256, 60, 30), (f.GetProperty("name").GetString(), f.GetProperty("image").GetString(), f.GetProperty("memory").GetInt32(), f.GetProperty("timeout").GetInt32(), f.GetProperty("idle_timeout").GetInt32()));
            Assert.Equal(new Dictionary<string, string> { ["KEEP"] = "1", ["NEW"] = "3" }, f.GetProperty("config").Deserialize<Dictionary<string, string>>());
            Assert.Equal(["c", "fnproject.io/fn/invokeEndpoint"], f.GetProperty("annotations").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.Equal("2026-11-30T10:29:08.577Z", f.GetProperty("updated_at").GetString());
        }
    }

    [Fact]
    public async Task UpdateFn_GetBodySentBack_ComputedAnnotationNotStored()
    {
        var fn = await _api.CreateFnAsync(_appId, "roundtrip");
        var id = fn.GetProperty("id").GetString()!;

        ApiHarness.Ok(await _api.PutAsync($"/v2/fns/{id}", fn.GetRawText()));

        var stored = await _api.Server.Services.GetRequiredService<IDataStore>().GetFnAsync(id, CancellationToken.None);
        Assert.Empty(stored!.Annotations);
    }

    [Fact]
    public async Task UpdateFn_Rename_RenamedAndOldNameFree()
    {
        var id = (await _api.CreateFnAsync(_appId, "old")).GetProperty("id").GetString();

        var renamed = ApiHarness.Ok(await _api.PutAsync($"/v2/fns/{id}", """{"name":"new"}"""));
        await _api.CreateFnAsync(_appId, "old");

        Assert.Equal("new", renamed.GetProperty("name").GetString());
    }

    [Fact]
    public async Task CreateFn_NullFields_DefaultsAsIfLeftOutAsFnDoes()
    {
        // Go's decoder leaves a field of Fn's fresh Fn at its zero value for a null; SetDefaults then fills memory,
        // timeouts and config.
        var fn = ApiHarness.Ok(await _api.PostAsync("/v2/fns", $$"""{"name":"f","app_id":"{{_appId}}","image":"i","memory":null,"timeout":null,"idle_timeout":null,"config":null,"annotations":null,"shape":null,"created_at":null}"""));

        Assert.Equal((128, 30, 30, "{}"), (fn.GetProperty("memory").GetInt32(), fn.GetProperty("timeout").GetInt32(), fn.GetProperty("idle_timeout").GetInt32(), fn.GetProperty("config").GetRawText()));
    }

    [Theory]
    [InlineData("""{"config":null}""")]
    [InlineData("""{"annotations":null}""")]
    [InlineData("""{"name":null,"image":null,"memory":null,"timeout":null,"idle_timeout":null,"config":null,"annotations":null,"app_id":null,"id":null}""")]
    [InlineData("null")]
    public async Task UpdateFn_NullFields_FnUnchangedAsFnDoes(string body)
    {
        // Fn's Fn.Update keeps a field whose patch is zero: "", 0, a nil config or annotations.
        var fn = ApiHarness.Ok(await _api.PostAsync("/v2/fns", $$$"""{"name":"f","app_id":"{{{_appId}}}","image":"i:1","memory":256,"config":{"A":"1"},"annotations":{"k":"v"}}"""));
        var id = fn.GetProperty("id").GetString();

        var updated = ApiHarness.Ok(await _api.PutAsync($"/v2/fns/{id}", body));

        Assert.Equal(fn.GetRawText(), updated.GetRawText());
        Assert.Equal(fn.GetRawText(), ApiHarness.Ok(await _api.GetAsync($"/v2/fns/{id}")).GetRawText());
    }

    [Theory]
    [InlineData("""{"name":"taken"}""", HttpStatusCode.Conflict, "Fn with specified name already exists")]
    [InlineData("""{"app_id":"OTHER"}""", HttpStatusCode.Conflict, "Could not update - app_id is immutable")]
    [InlineData("""{"id":"01M8P1J06Q0004AM48VSSRJMF2"}""", HttpStatusCode.BadRequest, "Fn ID in path does not match ID in body")]
    [InlineData("""{"memory":8193}""", HttpStatusCode.BadRequest, "memory value is out of range. It should be between 0 and 8192")]
    [InlineData("""{"timeout":-5}""", HttpStatusCode.BadRequest, "timeout value is out of range, must be between 0 and 300")]
    [InlineData("""{"memory":"256"}""", HttpStatusCode.BadRequest, "Invalid JSON")]
    [InlineData("""{"name":"a b"}""", HttpStatusCode.BadRequest, "fn name must be 1 to 255 characters that need no escaping in a URL path")]
    [InlineData("""{"annotations":{"":1}}""", HttpStatusCode.BadRequest, "Invalid annotation key, annotation keys must be non-empty ascii strings excluding whitespace")]
    [InlineData("""{"annotations":{"fnsharp.io/async-retries":11}}""", HttpStatusCode.BadRequest, "Invalid annotation fnsharp.io/async-retries: use an integer from 0 to 10 (the retries of a detached call after a function failure)")]
    [InlineData("""{"annotations":{"fnsharp.io/min-hot":"many"}}""", HttpStatusCode.BadRequest, "Invalid annotation fnsharp.io/min-hot: use an integer from 0 to 100 (the containers of the fn kept hot)")]
    public async Task UpdateFn_Refused_ErrorAndFnUnchanged(string body, HttpStatusCode status, string message)
    {
        var other = (await _api.CreateAppAsync("other")).GetProperty("id").GetString()!;
        await _api.CreateFnAsync(_appId, "taken");
        var id = (await _api.CreateFnAsync(_appId, "f")).GetProperty("id").GetString();
        var fn = ApiHarness.Ok(await _api.GetAsync($"/v2/fns/{id}"));

        var response = await _api.PutAsync($"/v2/fns/{id}", body.Replace("OTHER", other, StringComparison.Ordinal));

        Assert.Equal((status, message), (response.Status, response.Message));
        Assert.Equal(fn.GetRawText(), ApiHarness.Ok(await _api.GetAsync($"/v2/fns/{id}")).GetRawText());
    }

    [Fact]
    public async Task UpdateFn_Unknown_404()
    {
        var response = await _api.PutAsync("/v2/fns/01M8P1J06Q0004AM48VSSRJMF2", """{"image":"x"}""");

        Assert.Equal((HttpStatusCode.NotFound, "Fn not found"), (response.Status, response.Message));
    }

    [Fact]
    public async Task DeleteFn_WithTriggers_204AndTriggersGone()
    {
        var fnId = (await _api.CreateFnAsync(_appId, "doomed")).GetProperty("id").GetString()!;
        var keptFn = (await _api.CreateFnAsync(_appId, "kept")).GetProperty("id").GetString()!;
        var triggerId = (await _api.CreateTriggerAsync(_appId, fnId, "t", "/t")).GetProperty("id").GetString()!;
        var keptTrigger = (await _api.CreateTriggerAsync(_appId, keptFn, "t", "/k")).GetProperty("id").GetString()!;

        var deleted = await _api.DeleteAsync($"/v2/fns/{fnId}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.Status);
        Assert.Equal("Fn not found", (await _api.GetAsync($"/v2/fns/{fnId}")).Message);
        Assert.Equal("Trigger not found", (await _api.GetAsync($"/v2/triggers/{triggerId}")).Message);
        Assert.Equal(HttpStatusCode.OK, (await _api.GetAsync($"/v2/triggers/{keptTrigger}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await _api.GetAsync($"/v2/apps/{_appId}")).Status);
        Assert.Equal((HttpStatusCode.NotFound, "Fn not found"), ((await _api.DeleteAsync($"/v2/fns/{fnId}")).Status, (await _api.DeleteAsync($"/v2/fns/{fnId}")).Message));
    }
}
