using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace FnSharp.Docker.Runc;

/// <summary>
/// One root filesystem per image id under <c>images/</c> of the driver's directory, unpacked once and shared read-only
/// by every container of the image: the engine creates a container of the image (never started), exports its file
/// system, and GNU <c>tar</c> unpacks it as root with owners, modes and links kept; the container is removed. The mount
/// points the spec needs (<c>/proc</c>, <c>/dev</c>, <c>/sys</c>, <c>/tmp</c>, <c>/tmp/iofs</c>, the working
/// directory) are made at unpack time, since the root is read-only to runc. An unpack goes to a temporary directory
/// renamed into place at its end, so a half-done one is never used; one unpack per image at a time. Beside
/// <c>rootfs/</c> each image's directory keeps what the clean-up (<see cref="RootfsCleaner"/>) reads: the bytes it
/// takes (<c>size</c>, measured once the unpack is done), the name it was unpacked for (<c>image</c>), and its last use
/// (the time of <c>used</c>, set when a container of it is made and when one is removed). Containers hold their image's
/// directory with a <see cref="RootfsLease"/>.
/// </summary>
internal sealed class RootfsCache
{
    /// <summary>The name prefix of the engine's containers made to export an image.</summary>
    public const string UnpackPrefix = "fnsharp-unpack-";

    /// <summary>The file, in an image's directory, that holds the bytes the directory takes (decimal text).</summary>
    public const string SizeFile = "size";

    /// <summary>The file, in an image's directory, that holds the name the image was unpacked for.</summary>
    public const string ImageFile = "image";

    /// <summary>The file, in an image's directory, whose time of last change is the image's last use.</summary>
    public const string UsedFile = "used";

    /// <summary>The part of a directory's name under <c>images/</c> that marks an unpack under way, before the node and a random tail.</summary>
    public const string UnpackingMark = ".unpacking-";

    /// <summary>The part of a directory's name under <c>images/</c> that marks a removal under way, before the node and a random tail.</summary>
    public const string RemovingMark = ".removing-";

    private static readonly string[] MountPoints = ["proc", "dev", "sys", "tmp", "tmp/iofs"];

    private readonly DockerEngineClient _engine;
    private readonly string _imagesDir;
    private readonly string _node;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _unpacks = new(StringComparer.Ordinal);

    public RootfsCache(DockerEngineClient engine, string imagesDir, string node, TimeProvider time, ILogger logger)
    {
        _engine = engine;
        _imagesDir = imagesDir;
        _node = node;
        _time = time;
        _logger = logger;
    }

    /// <summary>The directory of the image <paramref name="imageId"/>'s root filesystem (it may not exist yet).</summary>
    public string PathOf(string imageId) => Path.Combine(_imagesDir, DirectoryName(imageId), "rootfs");

    /// <summary>
    /// A container's hold on the root filesystem of the image <paramref name="imageId"/> (the engine's id), unpacked
    /// first when missing: the clean-up leaves it until the lease is disposed. A root filesystem the clean-up took
    /// between the check and the lock is unpacked again.
    /// </summary>
    /// <param name="imageId">The engine's image id (<c>sha256:...</c>).</param>
    /// <param name="image">The image's name as the fn gives it, kept with an unpack for the clean-up's log.</param>
    /// <param name="workingDir">The image's working directory, made in it when missing.</param>
    /// <param name="cancellationToken">Stops waiting; an unpack that others may wait for goes on.</param>
    /// <exception cref="ContainerStartException"><see cref="ContainerStartError.ImageRefused"/> when the image's file system cannot serve as a read-only root.</exception>
    /// <exception cref="IOException">The image's directory could not be locked.</exception>
    public async Task<RootfsLease> AcquireAsync(string imageId, string image, string? workingDir, CancellationToken cancellationToken)
    {
        while (true)
        {
            var rootfs = await EnsureAsync(imageId, image, workingDir, cancellationToken);
            var directory = Path.GetDirectoryName(rootfs)!;
            if (RootfsLock.Shared(directory) is { } held)
            {
                try
                {
                    if (Directory.Exists(rootfs))
                    {
                        Touch(directory);
                        return new RootfsLease(rootfs, held, () => TryTouch(directory));
                    }
                }
                catch
                {
                    held.Dispose();
                    throw;
                }

                held.Dispose();
            }
        }
    }

    /// <summary>
    /// Awaits the unpacks under way, those nobody waits for any more included (their callers cancelled): none of them
    /// writes under <c>images/</c> after it. Their outcomes are their callers'.
    /// </summary>
    public async Task WaitForUnpacksAsync()
    {
        Task unpacks = Task.WhenAll(_unpacks.Values.Where(u => u.IsValueCreated).Select(u => u.Value));
        await unpacks.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>
    /// Removes what an earlier run of node <paramref name="node"/> left half done under <paramref name="imagesDir"/>:
    /// unpacks cut off (their temporary directories) and root filesystems whose removal was cut off.
    /// </summary>
    /// <returns>The directories removed.</returns>
    public static IReadOnlyList<string> RemoveUnfinished(string imagesDir, string node)
    {
        if (!Directory.Exists(imagesDir))
        {
            return [];
        }

        var removed = new List<string>();
        foreach (var mark in new[] { UnpackingMark, RemovingMark })
        {
            foreach (var directory in Directory.GetDirectories(imagesDir, "*" + mark + Sanitize(node) + "-*"))
            {
                DockerDriver.DeleteDirectory(directory);
                removed.Add(directory);
            }
        }

        return removed;
    }

    /// <summary>
    /// The images unpacked under <paramref name="imagesDir"/>, in the order of their ids (unpacks and removals under
    /// way left out). A directory with no <c>size</c> (unpacked before sizes were kept, or its measure cut off) is measured now and its size kept;
    /// one with no <c>used</c> was last used when it was unpacked.
    /// </summary>
    public static IReadOnlyList<UnpackedImage> ListUnpacked(string imagesDir)
    {
        if (!Directory.Exists(imagesDir))
        {
            return [];
        }

        var unpacked = new List<UnpackedImage>();
        foreach (var directory in Directory.GetDirectories(imagesDir).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(directory);
            if (name.Contains('.', StringComparison.Ordinal))
            {
                continue;
            }

            var sizeFile = Path.Combine(directory, SizeFile);
            var imageFile = Path.Combine(directory, ImageFile);
            var usedFile = Path.Combine(directory, UsedFile);
            try
            {
                // 0 is the placeholder of a measure that was cut off: no directory takes no room.
                if (!(File.Exists(sizeFile) && long.TryParse(File.ReadAllText(sizeFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size > 0))
                {
                    size = MeasureAndKeep(directory);
                }

                var lastUsed = new DateTimeOffset(File.Exists(usedFile) ? File.GetLastWriteTimeUtc(usedFile) : Directory.GetLastWriteTimeUtc(directory), TimeSpan.Zero);
                var image = File.Exists(imageFile) ? File.ReadAllText(imageFile).Trim() : null;
                unpacked.Add(new UnpackedImage("sha256:" + name, directory, image, size, lastUsed));
            }
            catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException)
            {
                // Removed meanwhile, by another node's clean-up.
            }
        }

        return unpacked;
    }

    /// <summary>
    /// The bytes <paramref name="directory"/> takes on disk, as <c>du -s -B1</c> counts them: the blocks of every file
    /// and directory under it, links not followed, a file with several names (hard links) once.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">There is no such directory.</exception>
    public static long MeasureBytes(string directory)
    {
        var seen = new HashSet<(ulong, ulong)>();
        var pending = new Stack<string>([directory]);
        long total = 0;
        while (pending.TryPop(out var path))
        {
            if (UnixFiles.Stat(path) is not { } stat)
            {
                if (path == directory)
                {
                    throw new DirectoryNotFoundException($"{directory} does not exist");
                }

                continue;
            }

            if (!seen.Add((stat.Device, stat.Inode)))
            {
                continue;
            }

            total += stat.AllocatedBytes;
            if (stat.Kind == UnixFileKind.Directory)
            {
                foreach (var entry in Directory.EnumerateFileSystemEntries(path))
                {
                    pending.Push(entry);
                }
            }
        }

        return total;
    }

    /// <summary>
    /// Measures <paramref name="directory"/> (<see cref="MeasureBytes"/>) and keeps the size in its <c>size</c>,
    /// which is written first so that the size counts it too (its one block).
    /// </summary>
    private static long MeasureAndKeep(string directory)
    {
        var sizeFile = Path.Combine(directory, SizeFile);
        File.WriteAllText(sizeFile, "0");
        var size = MeasureBytes(directory);
        File.WriteAllText(sizeFile, size.ToString(CultureInfo.InvariantCulture));
        return size;
    }

    /// <summary>The root filesystem of the image <paramref name="imageId"/>, unpacked first when missing.</summary>
    private async Task<string> EnsureAsync(string imageId, string image, string? workingDir, CancellationToken cancellationToken)
    {
        var rootfs = PathOf(imageId);
        if (Directory.Exists(rootfs))
        {
            return rootfs;
        }

        var unpack = _unpacks.GetOrAdd(imageId, id => new Lazy<Task<string>>(() => UnpackAsync(id, image, workingDir)));
        try
        {
            return await unpack.Value.WaitAsync(cancellationToken);
        }
        finally
        {
            if (unpack.Value.IsCompleted)
            {
                _unpacks.TryRemove(new KeyValuePair<string, Lazy<Task<string>>>(imageId, unpack));
            }
        }
    }

    /// <summary>Marks the image's directory used now (the clean-up takes the least recently used first).</summary>
    private void Touch(string directory)
    {
        var used = Path.Combine(directory, UsedFile);
        if (!File.Exists(used))
        {
            File.WriteAllBytes(used, []);
        }

        File.SetLastWriteTimeUtc(used, _time.GetUtcNow().UtcDateTime);
    }

    /// <summary><see cref="Touch"/> where a failure must not fail the caller (a container's removal): the use goes unrecorded.</summary>
    private void TryTouch(string directory)
    {
        try
        {
            Touch(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            RuncLog.UseNotRecorded(_logger, e, directory);
        }
    }

    private async Task<string> UnpackAsync(string imageId, string image, string? workingDir)
    {
        var began = _time.GetTimestamp();
        var final = Path.Combine(_imagesDir, DirectoryName(imageId));
        var temporary = final + UnpackingMark + Sanitize(_node) + "-" + Guid.NewGuid().ToString("N")[..8];
        var rootfs = Path.Combine(temporary, "rootfs");
        Directory.CreateDirectory(rootfs);
        try
        {
            await ExportAsync(imageId, rootfs);
            string[] workingDirs = workingDir is { Length: > 0 } ? [workingDir.TrimStart('/')] : [];
            foreach (var mountPoint in MountPoints.Concat(workingDirs))
            {
                EnsureDirectory(rootfs, mountPoint);
            }

            File.SetUnixFileMode(Path.Combine(rootfs, "tmp"), (UnixFileMode)0b1_111_111_111);
            await File.WriteAllTextAsync(Path.Combine(temporary, ImageFile), image, CancellationToken.None);
            Touch(temporary);
            var size = MeasureAndKeep(temporary);
            try
            {
                Directory.Move(temporary, final);
            }
            catch (IOException) when (Directory.Exists(Path.Combine(final, "rootfs")))
            {
                // Another node of this host unpacked the same image meanwhile: its copy serves.
                DockerDriver.DeleteDirectory(temporary);
            }

            RuncLog.Unpacked(_logger, image, imageId, size / (1024.0 * 1024), _time.GetElapsedTime(began).TotalMilliseconds);
            return Path.Combine(final, "rootfs");
        }
        catch
        {
            DockerDriver.DeleteDirectory(temporary);
            throw;
        }
    }

    /// <summary>
    /// Creates a container of the image on the engine (never started), pipes its export into <c>tar -x</c>, removes it.
    /// The export has the image time (<see cref="DockerEngineClient.ImageTimeout"/>, as a pull): an engine that stops
    /// sending fails it with <see cref="DockerEngineTimeoutException"/>, the engine taken as not answering.
    /// </summary>
    private async Task ExportAsync(string imageId, string rootfs)
    {
        var created = await _engine.CreateContainerAsync(
            new CreateContainerParameters
            {
                Name = UnpackPrefix + Guid.NewGuid().ToString("N")[..12],
                Image = imageId,

                // Never run; a command is only needed for an image that has none.
                Cmd = ["/fnsharp-unpack"],
                Labels = new Dictionary<string, string> { [DockerLabels.Managed] = "true", [DockerLabels.Node] = _node },
                HostConfig = new HostConfig { NetworkMode = "none" },
            },
            CancellationToken.None);
        try
        {
            await UnpackExportAsync(imageId, created.ID, rootfs);
        }
        catch
        {
            // The export's error is the one to report; an engine that does not answer leaves the container to the next start's sweep.
            try
            {
                await _engine.RemoveContainerAsync(created.ID, CancellationToken.None);
            }
            catch (Exception e) when (e is HttpRequestException or DockerApiException)
            {
                RuncLog.RemovalFailed(_logger, e, _node);
            }

            throw;
        }

        await _engine.RemoveContainerAsync(created.ID, CancellationToken.None);
    }

    private async Task UnpackExportAsync(string imageId, string containerId, string rootfs)
    {
        using var tar = Process.Start(new ProcessStartInfo("tar")
        {
            ArgumentList = { "-x", "--numeric-owner", "--same-owner", "--same-permissions", "-C", rootfs, "-f", "-" },
            RedirectStandardInput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("tar did not start");
        var errors = tar.StandardError.ReadToEndAsync(CancellationToken.None);
        using var timer = new CancellationTokenSource(_engine.ImageTimeout, _time);
        try
        {
            await using var export = await _engine.ExportContainerAsync(containerId, timer.Token);
            try
            {
                await export.CopyToAsync(tar.StandardInput.BaseStream, timer.Token);
            }
            finally
            {
                tar.StandardInput.Close();
            }
        }
        catch (Exception e) when (timer.IsCancellationRequested && e is OperationCanceledException or IOException)
        {
            tar.Kill();
            throw DockerEngineClient.ImageTimedOut("container_export", _engine.ImageTimeout, e);
        }

        await tar.WaitForExitAsync(CancellationToken.None);
        if (tar.ExitCode != 0)
        {
            throw new ContainerStartException(ContainerStartError.ImageRefused, $"unpacking image {imageId} for runc failed: tar exited with code {tar.ExitCode}: {(await errors).Trim()}");
        }
    }

    /// <summary>
    /// Makes <paramref name="relative"/> a directory under <paramref name="rootfs"/>, one component at a time, never
    /// following a link: a link in the image could point anywhere on the host.
    /// </summary>
    private static void EnsureDirectory(string rootfs, string relative)
    {
        var current = rootfs;
        foreach (var component in relative.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (component is "." or "..")
            {
                throw new ContainerStartException(ContainerStartError.ImageRefused, $"the image's path /{relative} has a '{component}' component");
            }

            current = Path.Combine(current, component);
            var info = new DirectoryInfo(current);
            if (info.LinkTarget is not null || (!info.Exists && File.Exists(current)))
            {
                throw new ContainerStartException(ContainerStartError.ImageRefused, $"the image's /{Path.GetRelativePath(rootfs, current)} is a link or a file, where the runc driver needs a directory (a mount point or the working directory)");
            }

            if (!info.Exists)
            {
                info.Create();
            }
        }
    }

    /// <summary>An image id (<c>sha256:HEX</c>) as the name of its directory under <c>images/</c>.</summary>
    public static string DirectoryName(string imageId) => Sanitize(imageId.Replace("sha256:", string.Empty, StringComparison.Ordinal));

    /// <summary><paramref name="text"/> with every character but letters, digits, <c>_</c>, <c>.</c> and <c>-</c> made <c>_</c>.</summary>
    public static string Sanitize(string text) =>
        string.Concat(text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' ? c : '_'));
}
