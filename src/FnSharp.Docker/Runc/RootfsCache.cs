using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace FnSharp.Docker.Runc;

/// <summary>
/// One root filesystem per image id under <c>images/</c> of the driver's directory, unpacked once and shared read-only
/// by every container of the image: the engine creates a container of the image (never started), exports its file
/// system, and GNU <c>tar</c> unpacks it as root with owners, modes and links kept; the container is removed. The mount
/// points the spec needs (<c>/proc</c>, <c>/dev</c>, <c>/sys</c>, <c>/tmp</c>, <c>/tmp/iofs</c>, the working
/// directory) are made at unpack time, since the root is read-only to runc. An unpack goes to a temporary directory
/// renamed into place at its end, so a half-done one is never used; one unpack per image at a time.
/// </summary>
internal sealed class RootfsCache
{
    /// <summary>The name prefix of the engine's containers made to export an image.</summary>
    public const string UnpackPrefix = "fnsharp-unpack-";

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

    /// <summary>The root filesystem of the image <paramref name="imageId"/> (the engine's id), unpacked first when missing.</summary>
    /// <param name="imageId">The engine's image id (<c>sha256:...</c>).</param>
    /// <param name="workingDir">The image's working directory, made in it when missing.</param>
    /// <param name="cancellationToken">Stops waiting; an unpack that others may wait for goes on.</param>
    /// <exception cref="ContainerStartException"><see cref="ContainerStartError.ImageRefused"/> when the image's file system cannot serve as a read-only root.</exception>
    public async Task<string> EnsureAsync(string imageId, string? workingDir, CancellationToken cancellationToken)
    {
        var rootfs = PathOf(imageId);
        if (Directory.Exists(rootfs))
        {
            return rootfs;
        }

        var unpack = _unpacks.GetOrAdd(imageId, id => new Lazy<Task<string>>(() => UnpackAsync(id, workingDir)));
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

    /// <summary>Removes unpacks that an earlier run left half done (their temporary directories).</summary>
    public void RemoveUnfinished()
    {
        if (!Directory.Exists(_imagesDir))
        {
            return;
        }

        foreach (var directory in Directory.GetDirectories(_imagesDir, "*.unpacking-" + Sanitize(_node) + "-*"))
        {
            DockerDriver.DeleteDirectory(directory);
        }
    }

    private async Task<string> UnpackAsync(string imageId, string? workingDir)
    {
        var began = _time.GetTimestamp();
        var final = Path.Combine(_imagesDir, DirectoryName(imageId));
        var temporary = final + ".unpacking-" + Sanitize(_node) + "-" + Guid.NewGuid().ToString("N")[..8];
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
            try
            {
                Directory.Move(temporary, final);
            }
            catch (IOException) when (Directory.Exists(Path.Combine(final, "rootfs")))
            {
                // Another node of this host unpacked the same image meanwhile: its copy serves.
                DockerDriver.DeleteDirectory(temporary);
            }

            RuncLog.Unpacked(_logger, imageId, _time.GetElapsedTime(began).TotalMilliseconds);
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

    // An image id (sha256:HEX) as a directory name.
    private static string DirectoryName(string imageId) => Sanitize(imageId.Replace("sha256:", string.Empty, StringComparison.Ordinal));

    /// <summary><paramref name="text"/> with every character but letters, digits, <c>_</c>, <c>.</c> and <c>-</c> made <c>_</c>.</summary>
    public static string Sanitize(string text) =>
        string.Concat(text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' ? c : '_'));
}
