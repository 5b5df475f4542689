using FnSharp.Docker.Runc;
using FnSharp.Server.Configuration;
using FnSharp.Testing;
using Microsoft.Extensions.Configuration;

namespace FnSharp.Server.Tests.Configuration;

/// <summary><c>FN_DRIVER</c> and the runc driver's settings, checked at start-up with messages that say what to change.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class RuncSettingsTests
{
    [Fact]
    public void Read_Nothing_DockerDriver()
    {
        var (options, failures) = Settings.Runc.Read(Configuration());

        Assert.Equal(ContainerDriverKind.Docker, options.Driver);
        Assert.Equal("/var/lib/fnsharp/runc", options.StateDir);
        Assert.Empty(failures);
    }

    [Fact]
    public void Read_Subnet_Bound()
    {
        var (options, failures) = Settings.Runc.Read(Configuration(("FN_RUNC_SUBNET", "10.9.0.0/24")));

        Assert.Equal(("10.9.0.0/24", "10.213.0.0/16"), (options.Subnet, new RuncDriverOptions().Subnet));
        Assert.Empty(failures);
    }

    [Fact]
    public void Read_UnknownDriver_NamedWithTheChoices()
    {
        Assert.Equal(["FN_DRIVER must be docker or runc, not 'podman'."], Settings.Runc.Read(Configuration(("FN_DRIVER", "podman"))).Failures);
    }

    [Fact]
    public void Read_RuncWithoutRunc_SaysWhatToInstall()
    {
        var failures = Settings.Runc.Read(Configuration(("FN_DRIVER", "RUNC"), ("FN_RUNC_PATH", "/nonexistent/runc"))).Failures;

        Assert.Equal(["FN_DRIVER is runc, but FN_RUNC_PATH '/nonexistent/runc' is not found: install Debian's runc (apt-get install runc; docker.io installs it too) or set FN_RUNC_PATH to its path."], failures);
    }

    [SkippableTheory]
    [InlineData("FN_DISABLE_READONLY_ROOTFS", "true")]
    [InlineData("FN_DISABLE_HARDENING", "init, readonly")]
    [InlineData("FN_DISABLE_HARDENING", "all")]
    public void Read_RuncWithAWritableRoot_Refused(string key, string value)
    {
        Skip.IfNot(Environment.IsPrivilegedProcess, "the check of a writable root comes after the check of root");
        var failures = Settings.Runc.Read(Configuration(("FN_DRIVER", "runc"), ("FN_RUNC_PATH", "/bin/sh"), ("FN_RUNC_INIT_PATH", "none"), (key, value))).Failures;

        Assert.Equal(["FN_DRIVER is runc, which keeps the root filesystem read-only (one image's root filesystem is shared by all its containers): unset FN_DISABLE_READONLY_ROOTFS and readonly in FN_DISABLE_HARDENING, or set FN_DRIVER=docker."], failures);
    }

    [Fact]
    public void Read_WritableRootWithDocker_NoFailureHereAndABadValueOnlyInTheDockerGroup()
    {
        var configuration = Configuration(("FN_DISABLE_READONLY_ROOTFS", "yes"), ("FN_DISABLE_HARDENING", "readonly"));

        Assert.Empty(Settings.Runc.Read(configuration).Failures);
        Assert.Equal(["FN_DISABLE_READONLY_ROOTFS must be true or false, not 'yes'."], Settings.Docker.Read(configuration).Failures);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => v.Key, v => (string?)v.Value)).Build();
}
