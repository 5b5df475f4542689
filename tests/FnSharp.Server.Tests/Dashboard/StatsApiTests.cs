using System.Net;
using System.Text.Json;
using FnSharp.Server.Tests.Apis;
using FnSharp.Testing;

namespace FnSharp.Server.Tests.Dashboard;

/// <summary>
/// <c>GET /v2/stats</c> through the real pipeline: calls through <c>/invoke</c> on the fake driver reach
/// the live statistics through the runner's meter, sampled when the fake clock moves a second.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class StatsApiTests : IAsyncLifetime
{
    private readonly ApiHarness _api = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task GetStats_AfterCalls_CountsThemForTheFnAndTheNode()
    {
        var app = await _api.CreateAppAsync("stats");
        var fn = (await _api.CreateFnAsync(app.GetProperty("id").GetString()!, "f", ""","memory":256""")).GetProperty("id").GetString()!;
        var other = (await _api.CreateFnAsync(app.GetProperty("id").GetString()!, "quiet")).GetProperty("id").GetString()!;
        _api.Driver.SetHandler(fn, async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            context.Response.StatusCode = await reader.ReadToEndAsync() == "fail" ? 502 : 200;
        });
        foreach (var body in new[] { "ok", "ok", "fail" })
        {
            await _api.PostAsync($"/invoke/{fn}", body);
        }

        _api.Time.Advance(TimeSpan.FromSeconds(1));
        var fnStats = ApiHarness.Ok(await _api.GetAsync($"/v2/fns/{fn}/stats"));
        var quiet = ApiHarness.Ok(await _api.GetAsync($"/v2/fns/{other}/stats"));
        var node = ApiHarness.Ok(await _api.GetAsync("/v2/stats"));

        var summary = fnStats.GetProperty("summary");
        Assert.Equal((fn, _api.Server.NodeName), (fnStats.GetProperty("fn_id").GetString(), fnStats.GetProperty("node").GetString()));
        Assert.Equal((3, 1), (summary.GetProperty("calls").GetInt32(), summary.GetProperty("errors").GetInt32()));
        Assert.Equal([3], fnStats.GetProperty("series").GetProperty("calls").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal(0, quiet.GetProperty("summary").GetProperty("calls").GetInt32());
        Assert.Equal(3, node.GetProperty("summary").GetProperty("calls").GetInt32());
        Assert.True(node.GetProperty("summary").GetProperty("memory_total_mib").GetInt64() > 0);
        Assert.Equal([fn], node.GetProperty("fns").EnumerateArray().Select(f => f.GetProperty("fn_id").GetString()));
        Assert.False(fnStats.TryGetProperty("fns", out _));

        // The fn's one hot container holds its memory.
        Assert.Equal(1, summary.GetProperty("idle").GetInt32() + summary.GetProperty("busy").GetInt32());
        Assert.Equal(256, summary.GetProperty("memory_reserved_mib").GetInt32());
    }

    [Fact]
    public async Task GetStats_Since_OnlyLaterSeconds()
    {
        _api.Server.Start();
        _api.Time.Advance(TimeSpan.FromSeconds(1));
        _api.Time.Advance(TimeSpan.FromSeconds(1));
        var first = ApiHarness.Ok(await _api.GetAsync("/v2/stats"));
        var now = first.GetProperty("now").GetInt64();
        _api.Time.Advance(TimeSpan.FromSeconds(1));

        var next = ApiHarness.Ok(await _api.GetAsync($"/v2/stats?since={now}"));

        Assert.Equal(2, first.GetProperty("series").GetProperty("t").GetArrayLength());
        Assert.Equal([now + 1], next.GetProperty("series").GetProperty("t").EnumerateArray().Select(t => t.GetInt64()));
    }

    [Fact]
    public async Task GetStats_UnknownFn_404()
    {
        var response = await _api.GetAsync("/v2/fns/01NOSUCHFN0000000000000000/stats");

        Assert.Equal((HttpStatusCode.NotFound, "Fn not found"), (response.Status, response.Message));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("99999999999999999999")]
    public async Task GetStats_BadSince_400NamingIt(string since)
    {
        var response = await _api.GetAsync($"/v2/stats?since={since}");

        Assert.Equal((HttpStatusCode.BadRequest, "invalid since: use Unix seconds, such as the now of the last answer"), (response.Status, response.Message));
        Assert.Equal(JsonValueKind.Object, response.Json.ValueKind);
    }
}
