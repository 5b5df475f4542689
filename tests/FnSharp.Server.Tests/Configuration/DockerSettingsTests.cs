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
            ("FN_DOCKER_PULL_TIMEOUT_MSECS", "5000"),
            ("FN_DOCKER_PULL_FAILURE_CACHE_MSECS", "0"));

        Assert.Equal("none", options.Network);
        Assert.Equal(5000, options.PullTimeoutMs);
        Assert.Equal(0, options.PullFailureCacheMs);
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
        var config = Config(("FN_MAX_PIDS", "-1"), ("FN_DISABLE_HARDENING", "user,selinux"), ("FN_DOCKER_PULL_TIMEOUT_MSECS", "0"));

        var failures = Settings.Docker.Read(config).Failures;

        Assert.Equal(
            [
                "FN_MAX_PIDS must be 0 (no limit) or a positive number of processes, not -1.",
                "FN_DOCKER_PULL_TIMEOUT_MSECS must be a positive number of milliseconds, not 0.",
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
    public void Bind_DockerHost_Endpoint()
    {
        Assert.Equal("tcp://127.0.0.1:2375", Read(("FN_DOCKER_HOST", "tcp://127.0.0.1:2375")).Endpoint);
        Assert.Equal("unix:///var/run/docker.sock", Read().Endpoint);
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
