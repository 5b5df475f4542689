using FnSharp.Core.Registries;
using FnSharp.Testing;

namespace FnSharp.Core.Tests.Registries;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class ImageReferenceTests
{
    [Theory]
    [InlineData("hello", "docker.io", "library/hello", null, null, "hello:latest")]
    [InlineData("hello:0.0.2", "docker.io", "library/hello", "0.0.2", null, "hello:0.0.2")]
    [InlineData("fnsharp/testfn:latest", "docker.io", "fnsharp/testfn", "latest", null, "fnsharp/testfn:latest")]
    [InlineData("docker.io/library/hello", "docker.io", "library/hello", null, null, "hello:latest")]
    [InlineData("index.docker.io/team/hello:1", "docker.io", "team/hello", "1", null, "team/hello:1")]
    [InlineData("127.0.0.1:5000/team/hello:0.0.2", "127.0.0.1:5000", "team/hello", "0.0.2", null, "127.0.0.1:5000/team/hello:0.0.2")]
    [InlineData("localhost/hello", "localhost", "hello", null, null, "localhost/hello:latest")]
    [InlineData("registry.example/a/b/c@sha256:abc", "registry.example", "a/b/c", null, "sha256:abc", "registry.example/a/b/c@sha256:abc")]
    [InlineData("registry.example:443/a:v1@sha256:abc", "registry.example:443", "a", "v1", "sha256:abc", "registry.example:443/a:v1@sha256:abc")]
    public void TryParse_Names_SplitAsDockerDoes(string image, string registry, string path, string? tag, string? digest, string familiar)
    {
        var reference = ImageReference.TryParse(image);

        Assert.NotNull(reference);
        Assert.Equal((registry, path, tag, digest, familiar), (reference.Registry, reference.Path, reference.Tag, reference.Digest, reference.Familiar));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("hello:")]
    [InlineData("hello@")]
    [InlineData("registry.example/")]
    [InlineData("a//b")]
    public void TryParse_NotAName_Null(string image)
    {
        Assert.Null(ImageReference.TryParse(image));
    }

    [Theory]
    [InlineData("127.0.0.1:5000/a", true)]
    [InlineData("127.9.9.9/a", true)]
    [InlineData("localhost:5000/a", true)]
    [InlineData("[::1]:5000/a", true)]
    [InlineData("registry.example:5000/a", false)]
    [InlineData("hello", false)]
    public void IsLoopbackRegistry_Hosts_LoopbackOnly(string image, bool loopback)
    {
        Assert.Equal(loopback, ImageReference.Parse(image).IsLoopbackRegistry);
    }

    [Theory]
    [InlineData("https://index.docker.io/v1/", "docker.io")]
    [InlineData("registry.example:5000", "registry.example:5000")]
    [InlineData("http://registry.example:5000", "registry.example:5000")]
    [InlineData("https://registry.example/v2/", "registry.example")]
    public void RegistryOfAddress_ConfigKeys_Host(string key, string registry)
    {
        Assert.Equal(registry, ImageReference.RegistryOfAddress(key));
    }
}
