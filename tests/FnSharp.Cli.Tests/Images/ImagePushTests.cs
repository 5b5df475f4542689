using FnSharp.Cli.Images;
using FnSharp.Core.Registries;
using FnSharp.Testing;

namespace FnSharp.Cli.Tests.Images;

/// <summary>What a refused push says: the engine's error, what it means for the registry, and what to do.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class ImagePushTests
{
    private const string Image = "registry.example:5000/team/hello:0.0.2";

    [Fact]
    public void Refusal_PlainHttpRegistryTheEngineDoesNotAllow_SaysDaemonJson()
    {
        var e = Push(null).Refusal("Get \"https://registry.example:5000/v2/\": http: server gave HTTP response to HTTPS client", "unix:///var/run/docker.sock");

        Assert.Equal(
            "the Docker engine at unix:///var/run/docker.sock pushes to registry.example:5000 over HTTPS only, and registry.example:5000 speaks plain HTTP (Get \"https://registry.example:5000/v2/\": http: server gave HTTP response to HTTPS client)",
            e.Message);
        Assert.Equal(["Add \"insecure-registries\": [\"registry.example:5000\"] to /etc/docker/daemon.json and restart dockerd (the engine allows plain HTTP to 127.0.0.0/8 without it)"], e.Next);
    }

    [Fact]
    public void Refusal_Denied_NamesTheUserAndTheRepository()
    {
        var e = Push(new RegistryCredential { Registry = "registry.example:5000", Username = "ci", Password = "pw", Source = "/root/.docker/config.json" })
            .Refusal("denied: requested access to the resource is denied", "unix:///var/run/docker.sock");

        Assert.Equal("the registry registry.example:5000 denied the push of registry.example:5000/team/hello:0.0.2 (denied: requested access to the resource is denied)", e.Message);
        Assert.Equal(["Check that user ci may push to team/hello on registry.example:5000"], e.Next);
    }

    [Fact]
    public void Refusal_Other_TheEnginesMessage()
    {
        var e = Push(null).Refusal("blob upload unknown", "unix:///var/run/docker.sock");

        Assert.Equal(("pushing registry.example:5000/team/hello:0.0.2 to registry.example:5000 failed: blob upload unknown", 0), (e.Message, e.Next.Count));
    }

    private static ImagePush Push(RegistryCredential? credential) => new(Image, ImageReference.Parse(Image), credential, RegistryTransport.Https);
}
