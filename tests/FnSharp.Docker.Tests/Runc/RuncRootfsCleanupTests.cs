using System.Formats.Tar;
using Docker.DotNet;
using Docker.DotNet.Models;
using FnSharp.Testing;
using FnSharp.Testing.Docker;

namespace FnSharp.Docker.Tests.Runc;

/// <summary>
/// The clean-up of the root filesystems unpacked for runc, on the real runtime and engine: an image no container holds
/// and no fn names loses its root filesystem, one a running container holds keeps it and goes on serving, and a fn's
/// image (told by the names the engine lists) keeps its own.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class RuncRootfsCleanupTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    [SkippableFact]
    public async Task CleanRootfsAsync_OverBudget_RemovesTheUnusedImagesRootfsNotTheOneARunningContainerOrAFnHolds()
    {
        RuncProbe.SkipUnlessAvailable();
        using var engine = new DockerClientBuilder().WithEndpoint(new Uri(new DockerDriverOptions().Endpoint)).Build();
        var other = $"fnsharp-test-rootfsgc-{Guid.NewGuid():N}:1";
        await BuildAsync(engine, other);
        try
        {
            await using var runc = new RuncTestDriver(o => o with { ImageCleanMaxBytes = 1, ImageCleanMinAgeMs = 0 });
            var otherId = (await engine.Images.InspectImageAsync(other)).ID;
            var testFnId = (await engine.Images.InspectImageAsync(TestFnContainers.TestFnImage)).ID;
            var imagesDir = Path.Combine(runc.StateDir, "images");
            var unused = await runc.Driver.CreateAsync(TestFnContainers.Spec(other), CancellationToken.None);
            await unused.StartAsync(CancellationToken.None).WaitAsync(Guard);
            await unused.RemoveAsync(CancellationToken.None).WaitAsync(Guard);
            var running = await runc.Driver.CreateAsync(TestFnContainers.Spec(TestFnContainers.TestFnImage), CancellationToken.None);
            await running.StartAsync(CancellationToken.None).WaitAsync(Guard);
            var unpacked = Directory.GetDirectories(imagesDir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();

            var removed = await runc.Driver.CleanRootfsAsync([], CancellationToken.None);
            using (await TestFnContainers.CallAsync(running, "call-after-clean", """{"echo":true}"""))
            {
            }

            await running.RemoveAsync(CancellationToken.None).WaitAsync(Guard);
            var keptForTheFn = await runc.Driver.CleanRootfsAsync([TestFnContainers.TestFnImage], CancellationToken.None);
            var removedOnceNoFnNamesIt = await runc.Driver.CleanRootfsAsync([], CancellationToken.None);

            Assert.Equal(new[] { Hex(otherId), Hex(testFnId) }.Order(StringComparer.Ordinal), unpacked);
            Assert.Equal([otherId], removed);
            Assert.Empty(keptForTheFn);
            Assert.Equal([testFnId], removedOnceNoFnNamesIt);
            Assert.Empty(Directory.GetDirectories(imagesDir));
        }
        finally
        {
            await engine.Images.DeleteImageAsync(other, new ImageDeleteParameters { Force = true });
        }
    }

    private static string Hex(string imageId) => imageId["sha256:".Length..];

    /// <summary>Builds <paramref name="image"/>: the test function under another image id (a label of its own).</summary>
    private static async Task BuildAsync(DockerClient engine, string image)
    {
        using var context = new MemoryStream();
        await using (var tar = new TarWriter(context, leaveOpen: true))
        {
            var dockerfile = System.Text.Encoding.UTF8.GetBytes($"FROM {TestFnContainers.TestFnImage}\nLABEL fnsharp.test.rootfsgc=\"{image}\"\n");
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "Dockerfile") { DataStream = new MemoryStream(dockerfile) });
        }

        context.Position = 0;
        await engine.Images.BuildImageFromDockerfileAsync(new ImageBuildParameters { Dockerfile = "Dockerfile", Tags = [image], Remove = true, ForceRemove = true }, context, null, null, new Progress<JSONMessage>());
    }
}
