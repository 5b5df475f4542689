using System.Text;
using FnSharp.Agent.Drivers;
using FnSharp.Core.Registries;
using FnSharp.Testing;
using FnSharp.Testing.Docker;
using FnSharp.Testing.Logging;
using FnSharp.Testing.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Docker.Tests;

/// <summary>
/// The driver's pulls from the real registries of <c>scripts/start-registry.sh</c> (Debian's docker-registry on
/// loopback, open and with htpasswd basic auth): credentials from a Docker config file or the node's settings, a
/// refusal that names the registry and what to set, the <c>always</c> pull policy on a moved tag, the digest of the
/// image that ran, and the clean-up removing only what it may.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class RegistryPullTests : IAsyncLifetime
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(120);

    private readonly string _node = TestFnContainers.NewNode();
    private readonly TestRegistry _registry = TestRegistry.FromEnvironment();
    private readonly string _dockerConfig = TestDirectories.Create("fnsharp-dockercfg-");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // Each test's driver removed its containers when it was disposed.
        await _registry.DisposeAsync();
        Directory.Delete(_dockerConfig, recursive: true);
    }

    [Fact]
    public async Task CreateAsync_AuthRegistryCredentialsInDockerConfigFile_PulledOnceForABurstWithTheDigestPushed()
    {
        var image = _registry.Image(_registry.WithAuth, "private");
        var digest = await _registry.PublishAsync(image, "private");
        await WriteDockerConfigAsync(_registry.WithAuth, _registry.User, _registry.Password);
        using var meters = new MeasuringMeterFactory();
        using var log = new CapturingLoggerProvider();
        using var logs = LoggerFactory.Create(b => b.AddProvider(log));
        await using var driver = NewDriver(o => o with { DockerConfigPath = Path.Combine(_dockerConfig, "config.json") }, meters: meters, logger: logs.CreateLogger<DockerDriver>());

        var created = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => CreateAsync(driver, image)));

        Assert.All(created, c => Assert.Equal(digest, c.ImageDigest));
        var lines = log.Logger.Entries.Select(e => e.Message).ToList();
        Assert.Contains($"Pulling image {image} from {_registry.WithAuth} with credentials for {_registry.WithAuth} (user {_registry.User}, from {Path.Combine(_dockerConfig, "config.json")})", lines);
        Assert.Contains(lines, l => l.StartsWith($"Pulled image {image} in ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(_registry.Password, StringComparison.Ordinal));
        Assert.Equal(1, meters.CountOf("fnsharp_docker_api_duration_seconds", "operation", "image_pull"));
        Assert.Equal(1, _registry.ManifestRequests(image));
        Assert.Contains(created, c => c.PullTime > TimeSpan.Zero);
    }

    [Fact]
    public async Task CreateAsync_AuthRegistryWithoutCredentials_UnauthorizedNamingTheRegistryAndWhatToSet()
    {
        var image = _registry.Image(_registry.WithAuth, "nocreds");
        await _registry.PublishAsync(image, "nocreds");
        await using var driver = NewDriver(o => o with { DockerConfigPath = Path.Combine(_dockerConfig, "config.json") });

        var e = await Assert.ThrowsAsync<ContainerStartException>(() => CreateAsync(driver, image));

        Assert.Equal(ContainerStartError.ImageUnauthorized, e.Error);
        Assert.StartsWith($"Failed to pull image '{image}': the registry {_registry.WithAuth} asks for credentials and this node has none for it", e.Message, StringComparison.Ordinal);
        Assert.Contains($"Set FN_REGISTRY_HOST={_registry.WithAuth} with FN_REGISTRY_USERNAME and FN_REGISTRY_PASSWORD", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_WrongPasswordInSettings_UnauthorizedNamingRegistryUserAndSettingNeverThePassword()
    {
        var image = _registry.Image(_registry.WithAuth, "wrongpw");
        await _registry.PublishAsync(image, "wrongpw");
        var credential = new RegistryCredential { Registry = _registry.WithAuth, Username = _registry.User, Password = "not-the-password-42", Source = DockerDriverOptions.RegistrySettingsSource };
        await using var driver = NewDriver(o => o with { RegistryCredential = credential });

        var e = await Assert.ThrowsAsync<ContainerStartException>(() => CreateAsync(driver, image));

        Assert.Equal(ContainerStartError.ImageUnauthorized, e.Error);
        Assert.StartsWith($"Failed to pull image '{image}': the registry {_registry.WithAuth} refused the credentials for {_registry.WithAuth} (user {_registry.User}, from FN_REGISTRY_USERNAME/FN_REGISTRY_TOKEN)", e.Message, StringComparison.Ordinal);
        Assert.Contains($"Check FN_REGISTRY_USERNAME and FN_REGISTRY_PASSWORD (or FN_REGISTRY_TOKEN) for {_registry.WithAuth}", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password-42", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_PullAlwaysAfterTheTagMoved_RunsTheNewImageWhileIfNotPresentKeepsTheOld()
    {
        var image = _registry.Image(_registry.Open, "moving", "latest");
        var first = await _registry.PublishAsync(image, "first");
        var secondTag = _registry.Image(_registry.Open, "moving", "second");
        await _registry.PublishAsync(secondTag, "second");
        await using var driver = NewDriver(o => o with { PullAlwaysCacheMs = 0 });
        Assert.Equal(first, (await CreateAsync(driver, image)).ImageDigest);

        var moved = await _registry.MoveTagAsync(secondTag, image);
        var ifNotPresent = await CreateAsync(driver, image);
        var always = await CreateAsync(driver, image, pullAlways: true);

        Assert.NotEqual(first, moved);
        Assert.Equal(first, ifNotPresent.ImageDigest);
        Assert.Equal(moved, always.ImageDigest);
    }

    [Fact]
    public async Task CreateAsync_PullAlwaysBurstWithinTheCache_OnePull()
    {
        var image = _registry.Image(_registry.Open, "burst", "latest");
        await _registry.PublishAsync(image, "burst");
        using var meters = new MeasuringMeterFactory();
        await using var driver = NewDriver(o => o with { PullAlwaysCacheMs = 600_000 }, meters: meters);

        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => CreateAsync(driver, image, pullAlways: true)));
        await CreateAsync(driver, image, pullAlways: true);

        Assert.Equal(1, meters.CountOf("fnsharp_docker_api_duration_seconds", "operation", "image_pull"));
        Assert.Equal(1, _registry.ManifestRequests(image));
    }

    [Fact]
    public async Task CleanImagesAsync_OverBudget_RemovesOnlyPulledImagesUnusedForTheAgeThatNoFnOrContainerUses()
    {
        var unused = _registry.Image(_registry.Open, "unused");
        var named = _registry.Image(_registry.Open, "named");
        var running = _registry.Image(_registry.Open, "running");
        var built = _registry.Image(_registry.Open, "built");
        foreach (var image in new[] { unused, named, running })
        {
            await _registry.PublishAsync(image, image);
        }

        await _registry.BuildAsync(built, "built here, never pulled");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var driver = NewDriver(o => o with { ImageCleanMaxBytes = 1, ImageCleanMinAgeMs = 60_000 }, clock);
        foreach (var image in new[] { unused, named })
        {
            await (await CreateAsync(driver, image)).RemoveAsync(CancellationToken.None);
        }

        await CreateAsync(driver, running);
        var tooYoung = await driver.CleanImagesAsync([named], CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(61));

        var removed = await driver.CleanImagesAsync([named], CancellationToken.None);

        Assert.Empty(tooYoung);
        Assert.Equal([unused], removed);
        Assert.False(await _registry.IsLocalAsync(unused));
        Assert.True(await _registry.IsLocalAsync(named));
        Assert.True(await _registry.IsLocalAsync(running));
        Assert.True(await _registry.IsLocalAsync(built));
    }

    private DockerDriver NewDriver(Func<DockerDriverOptions, DockerDriverOptions> configure, TimeProvider? time = null, MeasuringMeterFactory? meters = null, ILogger<DockerDriver>? logger = null) =>
        new(configure(new DockerDriverOptions { Node = _node, DockerConfigPath = null }), time ?? TimeProvider.System, logger ?? NullLogger<DockerDriver>.Instance, meters);

    private static Task<IFnContainer> CreateAsync(DockerDriver driver, string image, bool pullAlways = false) =>
        driver.CreateAsync(TestFnContainers.Spec(image) with { PullAlways = pullAlways }, CancellationToken.None).WaitAsync(Guard);

    private Task WriteDockerConfigAsync(string registry, string user, string password)
    {
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
        var json = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["auths"] = new Dictionary<string, object> { [registry] = new Dictionary<string, string> { ["auth"] = auth } },
        });
        return File.WriteAllTextAsync(Path.Combine(_dockerConfig, "config.json"), json);
    }
}
