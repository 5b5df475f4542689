using System.Net;
using System.Text.Json;
using FnSharp.Testing;

namespace FnSharp.Server.Tests.Apis;

/// <summary><c>/v2/apps</c> through the real HTTP pipeline: every field, error, merge rule and cascade of <c>fn-compat.md</c> section 2.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class AppsApiTests : IAsyncLifetime
{
    private readonly ApiHarness _api = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task CreateApp_EveryField_ReturnedAndStored()
    {
        var created = await _api.CreateAppAsync("full", ""","config":{"A":"1"},"annotations":{"x/y":{"n":[1,2]},"s":"v"},"syslog_url":"tcp+tls://logs.example.com:6514","shape":"GENERIC_ARM" """);

        var read = ApiHarness.Ok(await _api.GetAsync($"/v2/apps/{created.GetProperty("id").GetString()}"));

        foreach (var app in new[] { created, read })
        {
            Assert.Equal(26, app.GetProperty("id").GetString()!.Length);
            Assert.Equal("full", app.GetProperty("name").GetString());
            Assert.Equal("""{"A":"1"}""", app.GetProperty("config").GetRawText());
            Assert.Equal("""{"n":[1,2]}""", app.GetProperty("annotations").GetProperty("x/y").GetRawText());
            Assert.Equal("tcp+tls://logs.example.com:6514", app.GetProperty("syslog_url").GetString());
            Assert.Equal("GENERIC_ARM", app.GetProperty("shape").GetString());
            Assert.Equal("2026-11-30T10:29:07.577Z", app.GetProperty("created_at").GetString());
            Assert.Equal("2026-11-30T10:29:07.577Z", app.GetProperty("updated_at").GetString());
        }
    }

    [Fact]
    public async Task CreateApp_NoConfigAnnotationsOrShape_LeftOutAsFnDoes()
    {
        var created = await _api.CreateAppAsync("bare");

        var read = ApiHarness.Ok(await _api.GetAsync($"/v2/apps/{created.GetProperty("id").GetString()}"));
        var listed = ApiHarness.Ok(await _api.GetAsync("/v2/apps")).GetProperty("items")[0];

        // Fn's App has omitempty on config, annotations, syslog_url and shape.
        foreach (var app in new[] { created, read, listed })
        {
            Assert.Equal(["id", "name", "created_at", "updated_at"], app.EnumerateObject().Select(p => p.Name));
        }
    }

    [Fact]
    public async Task CreateApp_NestedDeeperThanTheLimit_DetailSaysTheLimit()
    {
        // The body's object, annotations, then the value's arrays: 64 levels in all read, 65 refused.
        static string Nested(int arrays) => $"{{\"name\":\"deep{arrays}\",\"annotations\":{{\"k\":{new string('[', arrays)}1{new string(']', arrays)}}}}}";

        var atLimit = await _api.PostAsync("/v2/apps", Nested(62));
        var past = await _api.PostAsync("/v2/apps", Nested(63));
        var broken = await _api.PostAsync("/v2/apps", Nested(63)[..90]);

        Assert.Equal(HttpStatusCode.OK, atLimit.Status);
        Assert.Equal(
            (HttpStatusCode.BadRequest, "Invalid JSON", "The body nests objects and arrays more than 64 deep at line 1, byte 99: the server reads at most 64 levels, the body's own object the first."),
            (past.Status, past.Message, past.Detail));
        Assert.Equal((HttpStatusCode.BadRequest, "The body stops being JSON at line 1, byte 91."), (broken.Status, broken.Detail));
    }

    [Fact]
    public async Task UpdateApp_MapsMerged_KeysWrittenSortedAsFnDoes()
    {
        var id = (await _api.CreateAppAsync("sorted", ""","config":{"B":"1","A":"2"},"annotations":{"y":1}""")).GetProperty("id").GetString();

        var updated = ApiHarness.Ok(await _api.PutAsync($"/v2/apps/{id}", """{"config":{"C":"3","0":"4"},"annotations":{"x":2}}"""));
        var read = ApiHarness.Ok(await _api.GetAsync($"/v2/apps/{id}"));

        foreach (var app in new[] { updated, read })
        {
            Assert.Equal("""{"0":"4","A":"2","B":"1","C":"3"}""", app.GetProperty("config").GetRawText());
            Assert.Equal("""{"x":2,"y":1}""", app.GetProperty("annotations").GetRawText());
        }
    }

    [Theory]
    [InlineData("", "Invalid JSON")]
    [InlineData("{", "Invalid JSON")]
    [InlineData("[]", "Invalid JSON")]
    [InlineData("null", "Missing Name")]
    [InlineData("""{"name":null}""", "Missing Name")]
    [InlineData("""{"name":5}""", "Invalid JSON")]
    [InlineData("""{"name":"a","config":{"k":1}}""", "Invalid JSON")]
    [InlineData("""{"name":"a","annotations":[]}""", "Invalid JSON")]
    [InlineData("""{"name":"a","created_at":"yesterday"}""", "Invalid JSON")]
    [InlineData("{}", "Missing Name")]
    [InlineData("""{"name":""}""", "Missing Name")]
    [InlineData("""{"name":"a b"}""", "app name must be 1 to 255 characters, each a letter, a digit, '_' or '-'")]
    [InlineData("""{"name":"x","id":"01M8P1J06Q0004AM48VSSRJMF2"}""", "ID cannot be provided for create")]
    [InlineData("""{"name":"x","shape":"GENERIC_RISCV"}""", "Invalid app shape")]
    [InlineData("""{"name":"x","syslog_url":"http://logs:514"}""", "invalid syslog url: 'http://logs:514' has the scheme 'http'; use udp, tcp, unix, unixgram or tcp+tls")]
    [InlineData("""{"name":"x","syslog_url":"tcp://a:1,logs"}""", "invalid syslog url: 'logs' is not an absolute URL such as tcp://logs.example.com:514")]
    [InlineData("""{"name":"x","annotations":{"a b":"v"}}""", "Invalid annotation key, annotation keys must be non-empty ascii strings excluding whitespace")]
    [InlineData("""{"name":"x","annotations":{"":"v"}}""", "Invalid annotation key, annotation keys must be non-empty ascii strings excluding whitespace")]
    [InlineData("""{"name":"x","annotations":{"ключ":"v"}}""", "Invalid annotation key, annotation keys must be non-empty ascii strings excluding whitespace")]
    [InlineData("""{"name":"x","annotations":{"k":""}}""", "Invalid annotation value, annotation values may only be non-empty strings, numbers, objects, or arrays")]
    [InlineData("""{"name":"x","annotations":{"k":null}}""", "Invalid annotation value, annotation values may only be non-empty strings, numbers, objects, or arrays")]
    [InlineData("""{"name":"x","annotations":{"k":true}}""", "Invalid annotation value, annotation values may only be non-empty strings, numbers, objects, or arrays")]
    public async Task CreateApp_BadBody_400WithMessage(string body, string message)
    {
        var response = await _api.PostAsync("/v2/apps", body);

        Assert.Equal((HttpStatusCode.BadRequest, message), (response.Status, response.Message));
        Assert.Equal("application/json; charset=utf-8", response.ContentType);
    }

    [Theory]
    [InlineData(128, 512, 100, null)]
    [InlineData(129, 1, 1, "Invalid annotation key length, annotation keys may not be larger than 128 bytes")]
    [InlineData(1, 513, 1, "Invalid annotation value length, annotation values may not be larger than 512 bytes when serialized as JSON")]
    [InlineData(4, 1, 101, "Invalid annotation change, new key(s) exceed maximum permitted number of annotations keys (100)")]
    public async Task CreateApp_AnnotationLimits_AtLimitOkOverLimit400(int keyBytes, int valueBytes, int count, string? message)
    {
        // Values are JSON strings: two quotes plus (valueBytes - 2) letters serialize to valueBytes bytes.
        var annotations = Enumerable.Range(0, count).ToDictionary(
            i => i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)[..Math.Min(4, keyBytes)] + new string('k', Math.Max(0, keyBytes - 4)),
            _ => new string('v', Math.Max(1, valueBytes - 2)));
        var body = JsonSerializer.Serialize(new Dictionary<string, object> { ["name"] = "limits", ["annotations"] = annotations });

        var response = await _api.PostAsync("/v2/apps", body);

        Assert.Equal(message is null ? HttpStatusCode.OK : HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(message, response.Message);
    }

    [Fact]
    public async Task CreateApp_EightParallelSameName_One200Seven409()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => _api.PostAsync("/v2/apps", """{"name":"race"}"""))));

        Assert.Equal(1, responses.Count(r => r.Status == HttpStatusCode.OK));
        Assert.All(responses.Where(r => r.Status != HttpStatusCode.OK), r => Assert.Equal((HttpStatusCode.Conflict, "App already exists"), (r.Status, r.Message)));
        Assert.Single((await _api.GetAsync("/v2/apps?name=race")).Json.GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("приложение")]
    [InlineData("アプリ")]
    [InlineData("café_ü-1")]
    public async Task CreateApp_UnicodeName_CreatedFoundByNameAndListed(string name)
    {
        var created = await _api.CreateAppAsync(name);

        var byName = (await _api.GetAsync("/v2/apps?name=" + Uri.EscapeDataString(name))).Json.GetProperty("items");
        var byId = ApiHarness.Ok(await _api.GetAsync($"/v2/apps/{created.GetProperty("id").GetString()}"));

        Assert.Equal(name, Assert.Single(byName.EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal(name, byId.GetProperty("name").GetString());
    }

    [Fact]
    public async Task GetApp_Unknown_404()
    {
        var response = await _api.GetAsync("/v2/apps/01M8P1J06Q0004AM48VSSRJMF2");

        Assert.Equal((HttpStatusCode.NotFound, "App not found"), (response.Status, response.Message));
    }

    [Fact]
    public async Task ListApps_PerPage_DefaultThirtyCappedAtHundredCursorOnlyWhenFull()
    {
        for (var i = 0; i < 105; i++)
        {
            await _api.CreateAppAsync($"a{i:D3}");
        }

        var byDefault = (await _api.GetAsync("/v2/apps")).Json;
        var capped = (await _api.GetAsync("/v2/apps?per_page=500")).Json;
        var hugeCapped = (await _api.GetAsync("/v2/apps?per_page=99999999999")).Json;
        var rest = (await _api.GetAsync("/v2/apps?per_page=100&cursor=" + capped.GetProperty("next_cursor").GetString())).Json;

        Assert.Equal(30, byDefault.GetProperty("items").GetArrayLength());
        Assert.Equal("a000", byDefault.GetProperty("items")[0].GetProperty("name").GetString());
        Assert.Equal(100, capped.GetProperty("items").GetArrayLength());
        Assert.Equal(capped.GetRawText(), hugeCapped.GetRawText());
        Assert.Equal(["a100", "a101", "a102", "a103", "a104"], rest.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("name").GetString()));
        Assert.False(rest.TryGetProperty("next_cursor", out _));
    }

    [Theory]
    [InlineData("!!!")]
    [InlineData("_w")]
    public async Task ListApps_InvalidCursor_400(string cursor)
    {
        var response = await _api.GetAsync("/v2/apps?cursor=" + cursor);

        Assert.Equal((HttpStatusCode.BadRequest, "invalid cursor: pass the next_cursor of the list's previous page as it came, or leave cursor out to start from the first page"), (response.Status, response.Message));
    }

    [Fact]
    public async Task ListApps_FnStyleCursorOfAName_PagesAfterIt()
    {
        foreach (var name in new[] { "a", "b", "c" })
        {
            await _api.CreateAppAsync(name);
        }

        var page = (await _api.GetAsync("/v2/apps?cursor=" + System.Buffers.Text.Base64Url.EncodeToString("a"u8))).Json;

        Assert.Equal(["b", "c"], page.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task UpdateApp_MergeRules_AppliedAsFnDoes()
    {
        var app = await _api.CreateAppAsync("merge", ""","config":{"KEEP":"1","DROP":"2","CHANGE":"3"},"annotations":{"keep":1,"empty":"x","nulled":"y"},"syslog_url":"udp://a:1" """);
        var id = app.GetProperty("id").GetString();
        _api.Time.Advance(TimeSpan.FromSeconds(5));

        var updated = ApiHarness.Ok(await _api.PutAsync($"/v2/apps/{id}", """{"config":{"DROP":"","CHANGE":"33","NEW":"4"},"annotations":{"empty":"","nulled":null,"new":[1]},"syslog_url":"","shape":"GENERIC_X86"}"""));
        var read = ApiHarness.Ok(await _api.GetAsync($"/v2/apps/{id}"));

        foreach (var a in new[] { updated, read })
        {
            Assert.Equal(new Dictionary<string, string> { ["KEEP"] = "1", ["CHANGE"] = "33", ["NEW"] = "4" }, a.GetProperty("config").Deserialize<Dictionary<string, string>>());
            Assert.Equal(["keep", "new"], a.GetProperty("annotations").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.False(a.TryGetProperty("syslog_url", out _));
            Assert.Equal("GENERIC_X86", a.GetProperty("shape").GetString());
            Assert.Equal("merge", a.GetProperty("name").GetString());
            Assert.Equal("2026-11-30T10:29:07.577Z", a.GetProperty("created_at").GetString());
            Assert.Equal("2026-11-30T10:29:12.577Z", a.GetProperty("updated_at").GetString());
        }
    }

    [Fact]
    public async Task UpdateApp_NothingChanges_UpdatedAtKept()
    {
        var id = (await _api.CreateAppAsync("same", ""","config":{"A":"1"}""")).GetProperty("id").GetString();
        _api.Time.Advance(TimeSpan.FromSeconds(5));

        var updated = ApiHarness.Ok(await _api.PutAsync($"/v2/apps/{id}", $$$"""{"id":"{{{id}}}","name":"same","config":{"A":"1"}}"""));

        Assert.Equal("2026-11-30T10:29:07.577Z", updated.GetProperty("updated_at").GetString());
    }

    [Fact]
    public async Task UpdateApp_SyslogUrlSet_Stored()
    {
        var id = (await _api.CreateAppAsync("syslog")).GetProperty("id").GetString();

        var updated = ApiHarness.Ok(await _api.PutAsync($"/v2/apps/{id}", """{"syslog_url":"unix:///dev/log"}"""));

        Assert.Equal("unix:///dev/log", updated.GetProperty("syslog_url").GetString());
    }

    [Theory]
    [InlineData("""{"name":"nulls","config":null,"annotations":null,"syslog_url":null,"shape":null,"created_at":null}""")]
    [InlineData("""{"name":"nulls","id":null,"updated_at":null}""")]
    public async Task CreateApp_NullFields_CreatedAsIfLeftOutAsFnDoes(string body)
    {
        // Go's decoder leaves a field of Fn's fresh App at its zero value for a null (a map nil, a pointer nil, a string "").
        var created = ApiHarness.Ok(await _api.PostAsync("/v2/apps", body));

        Assert.Equal(["id", "name", "created_at", "updated_at"], created.EnumerateObject().Select(p => p.Name));
        Assert.Equal("nulls", created.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("""{"config":null}""")]
    [InlineData("""{"annotations":null}""")]
    [InlineData("""{"config":null,"annotations":null,"syslog_url":null,"shape":null,"name":null,"id":null}""")]
    [InlineData("null")]
    public async Task UpdateApp_NullFields_AppUnchangedAsFnDoes(string body)
    {
        // Fn's App.Update merges a nil config or annotations as no change, and leaves a nil syslog_url as it is.
        var app = await _api.CreateAppAsync("kept", ""","config":{"A":"1"},"annotations":{"k":"v"},"syslog_url":"udp://a:1","shape":"GENERIC_X86" """);
        var id = app.GetProperty("id").GetString();

        var updated = ApiHarness.Ok(await _api.PutAsync($"/v2/apps/{id}", body));

        Assert.Equal(app.GetRawText(), updated.GetRawText());
        Assert.Equal(app.GetRawText(), ApiHarness.Ok(await _api.GetAsync($"/v2/apps/{id}")).GetRawText());
    }

    [Theory]
    [InlineData("""{"name":"renamed"}""", HttpStatusCode.Conflict, "Could not update - name is immutable")]
    [InlineData("""{"id":"01M8P1J06Q0004AM48VSSRJMF2"}""", HttpStatusCode.BadRequest, "App ID in path does not match ID in body")]
    [InlineData("""{"shape":"ARM64"}""", HttpStatusCode.BadRequest, "Invalid app shape")]
    [InlineData("""{"syslog_url":"ftp://x"}""", HttpStatusCode.BadRequest, "invalid syslog url: 'ftp://x' has the scheme 'ftp'; use udp, tcp, unix, unixgram or tcp+tls")]
    [InlineData("""{"annotations":{"k":true}}""", HttpStatusCode.BadRequest, "Invalid annotation value, annotation values may only be non-empty strings, numbers, objects, or arrays")]
    [InlineData("[1]", HttpStatusCode.BadRequest, "Invalid JSON")]
    public async Task UpdateApp_Refused_ErrorAndAppUnchanged(string body, HttpStatusCode status, string message)
    {
        var app = await _api.CreateAppAsync("fixed", ""","config":{"A":"1"}""");
        var id = app.GetProperty("id").GetString();

        var response = await _api.PutAsync($"/v2/apps/{id}", body);

        Assert.Equal((status, message), (response.Status, response.Message));
        Assert.Equal(app.GetRawText(), ApiHarness.Ok(await _api.GetAsync($"/v2/apps/{id}")).GetRawText());
    }

    [Fact]
    public async Task UpdateApp_Unknown_404()
    {
        var response = await _api.PutAsync("/v2/apps/01M8P1J06Q0004AM48VSSRJMF2", "{}");

        Assert.Equal((HttpStatusCode.NotFound, "App not found"), (response.Status, response.Message));
    }

    [Fact]
    public async Task DeleteApp_WithFnsAndTriggers_204AndAllGone()
    {
        var appId = (await _api.CreateAppAsync("doomed")).GetProperty("id").GetString()!;
        var fnId = (await _api.CreateFnAsync(appId, "f")).GetProperty("id").GetString()!;
        var triggerId = (await _api.CreateTriggerAsync(appId, fnId, "t", "/t")).GetProperty("id").GetString()!;
        var otherApp = (await _api.CreateAppAsync("survivor")).GetProperty("id").GetString()!;
        var otherFn = (await _api.CreateFnAsync(otherApp, "f")).GetProperty("id").GetString()!;

        var deleted = await _api.DeleteAsync($"/v2/apps/{appId}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.Status);
        Assert.Null(deleted.Body);
        Assert.Equal("App not found", (await _api.GetAsync($"/v2/apps/{appId}")).Message);
        Assert.Equal("Fn not found", (await _api.GetAsync($"/v2/fns/{fnId}")).Message);
        Assert.Equal("Trigger not found", (await _api.GetAsync($"/v2/triggers/{triggerId}")).Message);
        Assert.Equal(0, (await _api.GetAsync($"/v2/fns?app_id={appId}")).Json.GetProperty("items").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, (await _api.GetAsync($"/v2/fns/{otherFn}")).Status);
        Assert.Equal((HttpStatusCode.NotFound, "App not found"), ((await _api.DeleteAsync($"/v2/apps/{appId}")).Status, (await _api.DeleteAsync($"/v2/apps/{appId}")).Message));
    }
}
