using System.Text.RegularExpressions;
using FnSharp.Cli.Images;
using FnSharp.Cli.Tests.Functions;
using FnSharp.Testing;

namespace FnSharp.Cli.Tests.Images;

/// <summary>The images of scripts/build-images.sh as the CLI knows them, and what a missing base image's error suggests.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed partial class BuildImagesScriptTests
{
    private const string Engine = "unix:///var/run/docker.sock";

    [Fact]
    public async Task Targets_SameAsTheScriptsHelp()
    {
        var (code, help) = await HostCommand.RunAsync("bash", [BuildImagesScript.Path, "--help"], FuncFileReaderTests.RepositoryRoot());

        var listed = HelpLine().Matches(help).ToDictionary(m => m.Groups["image"].Value, m => m.Groups["target"].Value);

        Assert.Equal(0, code);
        Assert.Equal(listed.OrderBy(t => t.Key, StringComparer.Ordinal), BuildImagesScript.Targets.OrderBy(t => t.Key, StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("fnsharp/aot-runtime:latest")]
    [InlineData("fnsharp/aot-runtime")]
    public void MissingBaseImage_TheScriptBuildsIt_NamesTheTarget(string image) =>
        Assert.Equal(
            $"the base image {image} is not on the Docker engine at {Engine}: build it with scripts/build-images.sh aot-runtime in the FnSharp repository (fnsharp build pulls nothing)",
            BuildImagesScript.MissingBaseImage(image, Engine, null));

    [Fact]
    public void MissingBaseImage_TypoOfTheScriptsImage_SuggestsItAndHowToGetAnyImage() =>
        Assert.Equal(
            $"the base image fnsharp/aot-runtimee:latest (run_image in func.yaml) is not on the Docker engine at {Engine}: did you mean fnsharp/aot-runtime:latest, which scripts/build-images.sh aot-runtime builds? " +
            "Otherwise put it on that engine with docker pull fnsharp/aot-runtimee:latest, docker build -t fnsharp/aot-runtimee:latest DIR or docker load -i FILE (fnsharp build pulls nothing)",
            BuildImagesScript.MissingBaseImage("fnsharp/aot-runtimee:latest", Engine, "run_image in func.yaml"));

    [Theory]
    [InlineData("fnsharp/not-there:latest")]
    [InlineData("fnsharp/debian:trixie")]
    [InlineData("registry.example/team/base:1")]
    public void MissingBaseImage_NotTheScripts_HowToGetIt(string image) =>
        Assert.Equal(
            $"the base image {image} is not on the Docker engine at {Engine}: put it on that engine with docker pull {image}, docker build -t {image} DIR or docker load -i FILE (fnsharp build pulls nothing)",
            BuildImagesScript.MissingBaseImage(image, Engine, null));

    /// <summary>A line of the help's list: two spaces, the target, the image, what it is.</summary>
    [GeneratedRegex(@"^  (?<target>[a-z0-9-]+) +(?<image>fnsharp/\S+) ", RegexOptions.Multiline)]
    private static partial Regex HelpLine();
}
