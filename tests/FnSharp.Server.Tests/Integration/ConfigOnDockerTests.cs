using System.Net;
using System.Text.Json;
using FnSharp.Core.Models;
using FnSharp.Core.Validation;
using FnSharp.Testing;
using FnSharp.Testing.Hosting;

namespace FnSharp.Server.Tests.Integration;

/// <summary>
/// The config limits against the real engine: an app's and a fn's config each at the most the server
/// accepts, with one variable at the kernel's longest and keys Fn accepts that shells would not, start
/// a container of <c>fnsharp/testfn:latest</c> that sees every one of them; config the engine would refuse
/// (an empty key, a NUL in a key or a value) is refused with 400 naming the key, and the fn runs on.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class ConfigOnDockerTests : IAsyncLifetime
{
    private readonly FnSharpServerFactory _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Invoke_AppAndFnConfigAtTheirLimits_ContainerStartsAndSeesEveryVariable()
    {
        var appConfig = FillTo(ModelValidator.MaxConfigBytes, "A", new Dictionary<string, string>(StringComparer.Ordinal));
        var fnConfig = FillTo(ModelValidator.MaxConfigBytes, "F", new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["BIG"] = new string('b', ModelValidator.MaxConfigEntryBytes - "BIG=".Length),
            ["A B"] = "space in the name",
            ["ÄÖ"] = "ü",
        });
        Assert.Null(ModelValidator.ValidateConfig(appConfig));
        Assert.Null(ModelValidator.ValidateConfig(fnConfig));
        var client = _server.CreateFnClient();
        var app = await client.CreateAppAsync(new App { Name = "config-limits", Config = appConfig });
        var fn = await client.CreateFnAsync(new Fn { Name = "echo", AppId = app.Id, Image = "fnsharp/testfn:latest", Config = fnConfig });

        var result = await client.InvokeAsync(fn.Id, """{"echo":true}""");

        Assert.True(result.StatusCode == HttpStatusCode.OK, $"{result.StatusCode}: {result.Body[..Math.Min(300, result.Body.Length)]}");
        var env = JsonDocument.Parse(result.Body).RootElement.GetProperty("env").Deserialize<Dictionary<string, string>>()!;
        foreach (var (key, value) in appConfig.Concat(fnConfig))
        {
            Assert.True(env.TryGetValue(key, out var seen) && seen == value, $"the container does not see {key} as configured");
        }
    }

    [Fact]
    public async Task Update_ConfigTheEngineWouldRefuse_400NamingTheKeyAndTheFnStillRuns()
    {
        var client = _server.CreateFnClient();
        using var http = _server.CreateClient();
        var app = await client.CreateAppAsync(new App { Name = "config-refused" });
        var fn = await client.CreateFnAsync(new Fn { Name = "echo", AppId = app.Id, Image = "fnsharp/testfn:latest", Config = new Dictionary<string, string> { ["KEPT"] = "yes" } });

        var refusals = new List<(HttpStatusCode, string?)>();
        foreach (var (path, config) in new[] { ("/v2/apps/" + app.Id, """{"":"v"}"""), ("/v2/fns/" + fn.Id, """{"A\u0000B":"v"}"""), ("/v2/fns/" + fn.Id, """{"TOKEN":"a\u0000b"}""") })
        {
            using var response = await http.PutAsync(new Uri(path, UriKind.Relative), new StringContent($$"""{"config":{{config}}}""", System.Text.Encoding.UTF8, "application/json"));
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            refusals.Add((response.StatusCode, body.RootElement.GetProperty("message").GetString()));
        }

        var result = await client.InvokeAsync(fn.Id, """{"echo":true}""");

        Assert.Equal(
            [
                (HttpStatusCode.BadRequest, "config key '' is not valid: it is empty; each config key becomes the name of an environment variable in the fn's containers"),
                (HttpStatusCode.BadRequest, "config key 'A\\0B' is not valid: it contains NUL (\\0); each config key becomes the name of an environment variable in the fn's containers"),
                (HttpStatusCode.BadRequest, "config value of 'TOKEN' is not valid: it contains NUL (\\0), which an environment variable cannot hold"),
            ],
            refusals);
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        Assert.Equal("yes", JsonDocument.Parse(result.Body).RootElement.GetProperty("env").GetProperty("KEPT").GetString());
    }

    /// <summary>Adds entries named PREFIX0, PREFIX1, ... to <paramref name="config"/> until it takes exactly <paramref name="bytes"/>.</summary>
    private static Dictionary<string, string> FillTo(int bytes, string prefix, Dictionary<string, string> config)
    {
        static int Cost(string key, string value) =>
            System.Text.Encoding.UTF8.GetByteCount(key) + System.Text.Encoding.UTF8.GetByteCount(value) + ModelValidator.ConfigEntryOverheadBytes;

        var left = bytes - config.Sum(c => Cost(c.Key, c.Value));
        for (var i = 0; left > 0; i++)
        {
            var key = prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var room = left - Cost(key, "");
            var value = new string('v', Math.Min(room, ModelValidator.MaxConfigEntryBytes - key.Length - 1));
            config[key] = value;
            left -= Cost(key, value);
        }

        return config;
    }
}
