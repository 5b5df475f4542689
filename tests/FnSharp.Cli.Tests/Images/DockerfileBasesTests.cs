using FnSharp.Cli.Images;
using FnSharp.Testing;

namespace FnSharp.Cli.Tests.Images;

/// <summary>The base images of a Dockerfile, checked on the engine before a build.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class DockerfileBasesTests
{
    private static readonly Dictionary<string, string> NoArgs = [];

    [Fact]
    public void Find_ArgDefault_Substituted() =>
        Assert.Equal(["fnsharp/aot-runtime:latest"], DockerfileBases.Find("ARG RUN_IMAGE=fnsharp/aot-runtime:latest\nFROM ${RUN_IMAGE}\nCOPY a /a\n", NoArgs));

    [Fact]
    public void Find_BuildArgGiven_WinsOverDefault() =>
        Assert.Equal(["mine:1"], DockerfileBases.Find("ARG RUN_IMAGE=fnsharp/aot-runtime:latest\nFROM $RUN_IMAGE\n", new Dictionary<string, string> { ["RUN_IMAGE"] = "mine:1" }));

    [Fact]
    public void Find_StagesScratchAndComments_LeftOut() =>
        Assert.Equal(["fnsharp/debian:bookworm", "fnsharp/node-runtime:latest"], DockerfileBases.Find(
            "# FROM commented:out\nFROM --platform=linux/amd64 fnsharp/debian:bookworm AS build\nRUN x \\\n  y\nFROM scratch AS empty\nFROM build\nfrom fnsharp/node-runtime:latest\nCOPY --from=build /a /a\n",
            NoArgs));
}
