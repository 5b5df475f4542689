using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace FnSharp.Docker.Runc;

/// <summary>
/// Removes the root filesystems the runc driver unpacked (<see cref="RootfsCache"/>) when they take more than
/// <see cref="DockerDriverOptions.ImageCleanMaxBytes"/> (<c>FN_IMAGE_CLEAN_MAX_SIZE</c>), by the rule of the pulled
/// images' clean-up (<see cref="LeastRecentlyUsedCleanup"/>): the least recently used first, only those unused for
/// <see cref="DockerDriverOptions.ImageCleanMinAgeMs"/>, until they fit again. Never one of an image a fn of the store
/// names (so a fn's containers created ahead or kept hot find theirs), and never one a container holds
/// (<see cref="RootfsLock"/>: taken exclusive without waiting, held only to move the directory aside, then deleted),
/// nor one a bundle of any node of the host names (a container its node left running when it stopped).
/// Sizes are what <see cref="RootfsCache.MeasureBytes"/> measured on disk at the unpack. The images are those of
/// every node of the host: the directory is shared.
/// </summary>
/// <param name="imagesDir">The driver's <c>images/</c>, beside the nodes' <c>nodes/</c>.</param>
/// <param name="node">The node that runs the clean-up, named in the directories it moves aside.</param>
/// <param name="options">The budget and the minimum age.</param>
/// <param name="time">The clock of the minimum age.</param>
/// <param name="logger">The driver's log: a line per removal, and per root filesystem kept because a container holds it.</param>
internal sealed class RootfsCleaner(string imagesDir, string node, DockerDriverOptions options, TimeProvider time, ILogger logger)
{
    private const double Mib = 1024 * 1024;

    private readonly RoundNotices _notices = new();

    /// <summary>One round; returns the ids of the images whose root filesystems were removed, least recently used first.</summary>
    /// <param name="namedImageIds">The engine's ids (<c>sha256:...</c>) of the images the fns of the store name: kept.</param>
    /// <param name="cancellationToken">Ends the round between two removals.</param>
    public async Task<IReadOnlyList<string>> CleanAsync(IReadOnlySet<string> namedImageIds, CancellationToken cancellationToken)
    {
        if (options.ImageCleanMaxBytes <= 0)
        {
            return [];
        }

        var unpacked = RootfsCache.ListUnpacked(imagesDir);
        var named = new HashSet<string>(namedImageIds.Select(RootfsCache.DirectoryName), StringComparer.Ordinal);
        var inBundles = RootsOfBundles();
        var total = unpacked.Sum(u => u.SizeBytes);
        var max = options.ImageCleanMaxBytes;
        var removed = await LeastRecentlyUsedCleanup.RunAsync(
            unpacked,
            u => u.SizeBytes,
            u => u.LastUsed,
            max,
            time.GetUtcNow() - TimeSpan.FromMilliseconds(options.ImageCleanMinAgeMs),
            bytes => RuncLog.RootfsOverBudget(logger, unpacked.Count, bytes / Mib, max / Mib),
            u => Task.FromResult(TryRemove(u)),
            _notices,
            cancellationToken);
        return [.. removed.Select(u => u.ImageId)];

        long? TryRemove(UnpackedImage image)
        {
            if (named.Contains(Path.GetFileName(image.Directory)))
            {
                return null;
            }

            string removing;
            using (var held = RootfsLock.TryExclusive(image.Directory, out var inUse))
            {
                inUse |= inBundles.Contains(Normal(Path.Combine(image.Directory, "rootfs")));
                if (held is null || inUse)
                {
                    if (inUse && _notices.KeptIsNew(image.ImageId))
                    {
                        RuncLog.RootfsInUse(logger, image.Name ?? "?", image.ImageId, image.SizeBytes / Mib);
                    }

                    return null;
                }

                // Moved aside under the lock, deleted after it: a container that comes for the image meanwhile finds
                // no directory and unpacks it again, and a removal cut off is a directory the node's next start removes.
                removing = image.Directory + RootfsCache.RemovingMark + RootfsCache.Sanitize(node) + "-" + Guid.NewGuid().ToString("N")[..8];
                Directory.Move(image.Directory, removing);
            }

            DockerDriver.DeleteDirectory(removing);
            RuncLog.RootfsRemoved(logger, image.Name ?? "?", image.ImageId, image.SizeBytes / Mib, image.LastUsed, total / Mib, max / Mib);
            total -= image.SizeBytes;
            return image.SizeBytes;
        }
    }

    /// <summary>
    /// The root filesystems that the bundles of every node of the host name (<c>nodes/*/bundles/*/config.json</c>):
    /// a container whose node stopped without removing it (its lock went with the node's process) still has its
    /// bundle, and keeps its root filesystem until that node's next start removes it.
    /// </summary>
    private HashSet<string> RootsOfBundles()
    {
        var roots = new HashSet<string>(StringComparer.Ordinal);
        var nodes = Path.Combine(Path.GetDirectoryName(imagesDir)!, "nodes");
        if (!Directory.Exists(nodes))
        {
            return roots;
        }

        foreach (var bundles in Directory.GetDirectories(nodes).Select(n => Path.Combine(n, "bundles")).Where(Directory.Exists))
        {
            try
            {
                foreach (var bundle in Directory.GetDirectories(bundles))
                {
                    var config = Path.Combine(bundle, "config.json");
                    if (RootOf(config) is { } rootfs)
                    {
                        roots.Add(Normal(rootfs));
                    }
                }
            }
            catch (DirectoryNotFoundException)
            {
                // That node's bundles went meanwhile.
            }
        }

        return roots;
    }

    // A path spelled one way, whatever the node's FN_RUNC_STATE_DIR looked like.
    private static string Normal(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));

    /// <summary>The root filesystem a bundle's <c>config.json</c> names, or <see langword="null"/> when it has none (yet).</summary>
    private static string? RootOf(string config)
    {
        try
        {
            using var spec = JsonDocument.Parse(File.ReadAllBytes(config));
            return spec.RootElement.TryGetProperty("root", out var root) && root.TryGetProperty("path", out var path) ? path.GetString() : null;
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            // Removed with its container meanwhile, or being written: a container being created holds its lock.
            return null;
        }
    }
}
