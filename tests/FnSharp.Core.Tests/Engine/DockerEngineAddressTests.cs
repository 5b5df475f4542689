using FnSharp.Core.Engine;
using FnSharp.Testing;

namespace FnSharp.Core.Tests.Engine;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class DockerEngineAddressTests
{
    [Theory]
    [InlineData("unix:///var/run/docker.sock", "unix:///var/run/docker.sock")]
    [InlineData("  unix:///tmp/engine/docker.sock ", "unix:///tmp/engine/docker.sock")]
    [InlineData("tcp://127.0.0.1:2375", "tcp://127.0.0.1:2375/")]
    [InlineData("http://engine:2375", "http://engine:2375/")]
    [InlineData("https://engine:2376", "https://engine:2376/")]
    [InlineData(null, "unix:///var/run/docker.sock")]
    [InlineData("", "unix:///var/run/docker.sock")]
    public void TryParse_Address_Uri(string? text, string expected)
    {
        Assert.True(DockerEngineAddress.TryParse(text, out var address));
        Assert.Equal(expected, address.ToString());
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("/var/run/docker.sock")]
    [InlineData("unix://")]
    [InlineData("unix:///")]
    [InlineData("ssh://user@host")]
    [InlineData("npipe:////./pipe/docker_engine")]
    [InlineData("tcp://")]
    public void TryParse_NotAnAddress_False(string text)
    {
        Assert.False(DockerEngineAddress.TryParse(text, out var address));
        Assert.Null(address);
    }
}
