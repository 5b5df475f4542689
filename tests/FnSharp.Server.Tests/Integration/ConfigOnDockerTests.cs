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
/// a container of <c>fnsharp/testfn:latest</c> that sees every one of them.
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
