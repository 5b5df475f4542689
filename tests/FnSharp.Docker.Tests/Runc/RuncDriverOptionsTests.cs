using FnSharp.Docker.Runc;
using FnSharp.Testing;

namespace FnSharp.Docker.Tests.Runc;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class RuncDriverOptionsTests
{
    [Fact]
    public void Problem_DockerDriver_None()
    {
        Assert.Null(new RuncDriverOptions { RuncPath = "/nonexistent/runc" }.Problem());
    }

    [Fact]
    public void Problem_RuncMissing_SaysWhatToInstall()
    {
        var problem = new RuncDriverOptions { Driver = ContainerDriverKind.Runc, RuncPath = "/nonexistent/runc" }.Problem();

        Assert.Equal("is runc, but FN_RUNC_PATH '/nonexistent/runc' is not found: install Debian's runc (apt-get install runc; docker.io installs it too) or set FN_RUNC_PATH to its path.", problem);
    }

    [Fact]
    public void ResolveRuncPath_NameNotOnPath_Null()
    {
        Assert.Null(new RuncDriverOptions { RuncPath = "no-such-runc-" + Guid.NewGuid().ToString("N") }.ResolveRuncPath());
    }

    [Theory]
    [InlineData("10.213.0.0/16", true)]
    [InlineData("192.168.77.0/29", true)]
    [InlineData("192.168.77.0/30", false)]
    [InlineData("10.213.0.5/16", false)]
    [InlineData("fd00::/64", false)]
    [InlineData("bridge", false)]
    public void ParseSubnet_Value_AnIpv4SubnetOfAtLeastEightAddresses(string subnet, bool valid)
    {
        Assert.Equal(valid, new RuncDriverOptions { Subnet = subnet }.ParseSubnet() is not null);
    }

    [SkippableFact]
    public void Problem_BadSubnet_NamesTheSettingAndTheValue()
    {
        Skip.IfNot(Environment.IsPrivilegedProcess, "the subnet is checked after root");
        var problem = new RuncDriverOptions { Driver = ContainerDriverKind.Runc, RuncPath = "/bin/sh", InitPath = "none", Subnet = "10.213.0.0/31" }.Problem();

        Assert.Equal("is runc, whose FN_RUNC_SUBNET must be an IPv4 subnet of at least 8 addresses such as 10.213.0.0/16, not '10.213.0.0/31'.", problem);
    }
}
