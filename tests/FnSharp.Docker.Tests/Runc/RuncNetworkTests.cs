using System.Net;
using FnSharp.Docker.Runc;
using FnSharp.Testing;

namespace FnSharp.Docker.Tests.Runc;

/// <summary>The files a runc container's network gives it, written as Docker writes them.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class RuncNetworkTests
{
    [Fact]
    public void ResolvConf_LoopbackAndIpv6Servers_DroppedOthersAndOptionsKept()
    {
        var text = RuncNetwork.ResolvConf("# host\nsearch example.org\nnameserver 127.0.0.1\nnameserver 10.0.0.53\nnameserver fd00::53\noptions ndots:2\n", null);

        Assert.Equal("# host\nsearch example.org\nnameserver 10.0.0.53\noptions ndots:2\n", text);
    }

    [Fact]
    public void ResolvConf_OnlySystemdResolvedsStub_ItsUpstreamServers()
    {
        var text = RuncNetwork.ResolvConf("nameserver 127.0.0.53\noptions edns0 trust-ad\n", "nameserver 192.0.2.53\nsearch lan\n");

        Assert.Equal("nameserver 192.0.2.53\nsearch lan\n", text);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("nameserver 127.0.0.11\n")]
    public void ResolvConf_NoReachableServer_DockersFallbackServers(string? host)
    {
        Assert.Equal(
            RuncNetwork.FallbackNameServers.Select(s => "nameserver " + s),
            RuncNetwork.ResolvConf(host, null).Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("nameserver", StringComparison.Ordinal)));
    }

    [Fact]
    public void HostsFile_ContainersAddress_LoopbackNamesThenItsOwnName()
    {
        var lines = RuncNetwork.HostsFile("fnsharp-abc", IPAddress.Parse("10.213.4.5")).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("127.0.0.1\tlocalhost", lines[0]);
        Assert.Equal("10.213.4.5\tfnsharp-abc", lines[^1]);
    }
}
