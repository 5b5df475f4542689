using FnSharp.Docker;
using FnSharp.Server.Configuration;
using FnSharp.Testing;
using Microsoft.Extensions.Configuration;

namespace FnSharp.Server.Tests.Configuration;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class DockerSettingsTests
{
    [Fact]
    public void Bind_NoDockerSettings_FullHardeningOnTheBridge()
    {
        var options = Read(("FN_HOT_START_TIMEOUT_MSECS", "1234"), ("FN_NODE_NAME", "n1"));

        Assert.Equal(new ContainerHardening(), options.Hardening with { Ulimits = new ContainerHardening().Ulimits });
        Assert.Equal(ContainerHardening.DefaultUlimits, options.Hardening.Ulimits);
        Assert.Equal("bridge", options.Network);
        Assert.Equal(1234, options.HotStartTimeoutMs);
        Assert.Equal("n1", options.Node);
    }

    [Fact]
    public void Bind_Settings_PassedThrough()
    {
        var options = Read(
            ("FN_DOCKER_NETWORKS", "none other"),
            ("FN_MAX_PIDS", "80"),
            ("FN_DOCKER_USER", "2000:2000"),
            ("FN_TMPFS_SIZE_MB", "16"),
            ("FN_DISABLE_HARDENING", "Init, ulimits"),
            ("FN_DISABLE_READONLY_ROOTFS", "true"),
            ("FN_IMAGE_PULL_TIMEOUT_SECS", "5"),
            ("FN_DOCKER_PULL_FAILURE_CACHE_MSECS", "0"),
            ("FN_IMAGE_PULL_ALWAYS_CACHE_MSECS", "250"),
            ("FN_IMAGE_CLEAN_MAX_SIZE", "1073741824"),
            ("FN_IMAGE_CLEAN_MIN_AGE_SECS", "60"));

        Assert.Equal("none", options.Network);
        Assert.Equal(5000, options.PullTimeoutMs);
        Assert.Equal(0, options.PullFailureCacheMs);
        Assert.Equal(250, options.PullAlwaysCacheMs);
        Assert.Equal(1L << 30, options.ImageCleanMaxBytes);
        Assert.Equal(60_000, options.ImageCleanMinAgeMs);
        var hardening = options.Hardening;
        Assert.Equal("2000:2000", hardening.User);
        Assert.Equal(80, hardening.PidsLimit);
        Assert.Equal(16, hardening.TmpfsSizeMiB);
        Assert.False(hardening.Init);
        Assert.Empty(hardening.Ulimits);
        Assert.False(hardening.ReadOnlyRootFilesystem);
        Assert.True(hardening.DropAllCapabilities);
        Assert.True(hardening.NoSwap);
    }

    [Fact]
    public void Bind_AllDisabled_NoHardening()
    {
        var options = Read(("FN_DISABLE_HARDENING", "all"));

        Assert.Equal(ContainerHardening.None with { Ulimits = options.Hardening.Ulimits }, options.Hardening);
        Assert.Empty(options.Hardening.Ulimits);
    }

    [Fact]
    public void Validate_BadValues_MessagesNameTheSettings()
    {
        var config = Config(("FN_MAX_PIDS", "-1"), ("FN_DISABLE_HARDENING", "user,selinux"), ("FN_IMAGE_PULL_TIMEOUT_SECS", "0"));

        var failures = Settings.Docker.Read(config).Failures;

        Assert.Equal(
            [
                "FN_MAX_PIDS must be 0 (no limit) or a positive number of processes, not -1.",
                "FN_IMAGE_PULL_TIMEOUT_SECS must be a positive number of seconds, at most 2000000, not 0.",
                "FN_DISABLE_HARDENING names 'selinux', which is not one of all, user, capdrop, nonewprivileges, readonly, tmpfs, init, noswap, pids, ulimits.",
            ],
            failures);
    }

    [Fact]
    public void Validate_DockerHostNotAnAddress_MessageNamesIt()
    {
        var failures = Settings.Docker.Read(Config(("FN_DOCKER_HOST", "/var/run/docker.sock"))).Failures;

        Assert.Equal(["FN_DOCKER_HOST '/var/run/docker.sock' is not a Docker engine address such as unix:///var/run/docker.sock or tcp://127.0.0.1:2375."], failures);
    }

    [Fact]
    public void Bind_IofsPath_TheRootOfTheSocketDirectoriesElseTheTempDirectorys()
    {
        Assert.Equal("/srv/fnsharp/iofs", Read(("FN_IOFS_PATH", " /srv/fnsharp/iofs/ ")).IofsRoot);
        Assert.Equal(Path.Combine(Path.GetTempPath(), "fnsharp-iofs"), Read().IofsRoot);
    }

    [Fact]
    public void Validate_IofsPathRelativeOrTooLong_MessagesNameTheRuleAndTheValue()
    {
        var tooLong = "/" + new string('d', SocketDirectories.MaxRootBytes);

        Assert.Equal(["FN_IOFS_PATH must be an absolute directory path such as /tmp/fnsharp-iofs, not 'iofs'."], Settings.Docker.Read(Config(("FN_IOFS_PATH", "iofs"))).Failures);
        Assert.Equal(
            [$"FN_IOFS_PATH must be at most 68 bytes long (a unix socket's path may not exceed 107 bytes, and each container's is this plus 39), not '{tooLong}'."],
            Settings.Docker.Read(Config(("FN_IOFS_PATH", tooLong))).Failures);
    }

    [Fact]
    public void Bind_DockerHost_Endpoint()
    {
        Assert.Equal("tcp://127.0.0.1:2375", Read(("FN_DOCKER_HOST", "tcp://127.0.0.1:2375")).Endpoint);
        Assert.Equal("unix:///var/run/docker.sock", Read().Endpoint);
    }

    [Fact]
    public void Bind_RegistryUserForAHost_CredentialForThatRegistryNeverShowingThePassword()
    {
        var options = Read(("FN_REGISTRY_HOST", "https://registry.example.com:5000/"), ("FN_REGISTRY_USERNAME", "deployer"), ("FN_REGISTRY_PASSWORD", "s3cret-value"));

        var credential = Assert.IsType<FnSharp.Core.Registries.RegistryCredential>(options.RegistryCredential);
        Assert.Equal("registry.example.com:5000", credential.Registry);
        Assert.Equal(("deployer", "s3cret-value"), (credential.Username, credential.Password));
        Assert.DoesNotContain("s3cret-value", credential.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-value", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_RegistryToken_BearerTokenWithoutUser()
    {
        var options = Read(("FN_REGISTRY_HOST", "registry.example.com"), ("FN_REGISTRY_TOKEN", "tok"));

        Assert.Equal((null, "tok"), (options.RegistryCredential!.Username, options.RegistryCredential.RegistryToken));
    }

    [Fact]
    public void Bind_DockerConfig_ConfigFileInThatDirectoryElseTheUsersOwn()
    {
        Assert.Equal("/etc/fnsharp/docker/config.json", Read(("DOCKER_CONFIG", "/etc/fnsharp/docker")).DockerConfigPath);
        Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker", "config.json"), Read().DockerConfigPath);
        Assert.Null(Read().RegistryCredential);
    }

    [Theory]
    [InlineData("FN_REGISTRY_USERNAME", "u", "FN_REGISTRY_USERNAME is set without FN_REGISTRY_PASSWORD")]
    [InlineData("FN_REGISTRY_PASSWORD", "secret-here", "FN_REGISTRY_PASSWORD is set without FN_REGISTRY_USERNAME")]
    [InlineData("FN_REGISTRY_TOKEN", "secret-here", "FN_REGISTRY_TOKEN needs FN_REGISTRY_HOST")]
    [InlineData("FN_REGISTRY_HOST", "r.example", "FN_REGISTRY_HOST is 'r.example' without credentials")]
    [InlineData("FN_REGISTRY_HOST", "user@r.example", "FN_REGISTRY_HOST must be a registry host, as HOST[:PORT]")]
    [InlineData("FN_DOCKER_AUTH", "[1]", "FN_DOCKER_AUTH must be a Docker config file's JSON object")]
    [InlineData("FN_DOCKER_AUTH", "{secret-here", "FN_DOCKER_AUTH must be a Docker config file's JSON object")]
    [InlineData("FN_IMAGE_CLEAN_MAX_SIZE", "-1", "FN_IMAGE_CLEAN_MAX_SIZE must be 0 (no clean-up) or a positive number of bytes, not -1.")]
    public void Read_PartialRegistrySettings_MessageNamesWhatToSetNeverTheSecret(string key, string value, string expected)
    {
        var failures = Settings.Docker.Read(Config((key, value))).Failures;

        Assert.Contains(failures, f => f.StartsWith(expected, StringComparison.Ordinal));
        Assert.DoesNotContain(failures, f => f.Contains("secret-here", StringComparison.Ordinal));
    }

    private static DockerDriverOptions Read(params (string Key, string Value)[] values)
    {
        var (options, failures) = Settings.Docker.Read(Config(values));
        Assert.Empty(failures);
        return options;
    }

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
