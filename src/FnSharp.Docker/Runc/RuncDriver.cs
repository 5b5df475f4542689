using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ContainerSpec = FnSharp.Agent.Drivers.ContainerSpec;

namespace FnSharp.Docker.Runc;

/// <summary>
/// Runs fn containers on the OCI runtime <c>runc</c> directly (<c>FN_DRIVER=runc</c>), without the engine's start:
/// the images still come from the Docker engine (inspected and pulled as the Docker driver does,
/// <see cref="ImagePuller"/>), each unpacked once into a root filesystem shared read-only by its containers
/// (<see cref="RootfsCache"/>); a container is a bundle with its own <c>config.json</c> (<see cref="OciSpecBuilder"/>:
/// the image's process, the contract's environment, the Docker driver's hardening, its socket directory at
/// <c>/tmp/iofs</c>, a cgroup <c>/fnsharp-NODE/fn-FNID/ID</c> under its fn's, <see cref="FnCgroups"/>) started by <c>runc run</c> as a child process of the server.
/// The containers of this node are those in its own runc state directory (<c>runc --root</c>): they are found there
/// at start-up (leftovers), while it runs (orphans) and when the driver is disposed. Containers have an outbound
/// network through the host's bridge <c>fnsharp0</c> (<see cref="RuncNetwork"/>), made when they are created, or none
/// (a new, empty network namespace) when <c>FN_DOCKER_NETWORKS</c> is <c>none</c>.
/// </summary>
public sealed class RuncDriver : NodeContainerDriver
{
    private readonly RootfsCache _rootfs;
    private readonly RootfsCleaner _rootfsCleaner;
    private readonly string _imagesDir;
    private readonly RuncCli _runc;
    private readonly string _bundlesDir;
    private readonly string? _initPath;
    private readonly RuncNetwork? _network;

    /// <summary>Creates the driver; nothing runs until the first container.</summary>
    /// <param name="runc">Where runc, its state and the init process are.</param>
    /// <param name="options">The Docker driver's settings this driver shares: the engine of images, the node, hardening, start timeout, log limits.</param>
    /// <param name="time">The clock of timeouts.</param>
    /// <param name="logger">The driver's log.</param>
    /// <param name="meterFactory">Creates the meter <c>FnSharp.Docker</c> of the engine calls this driver makes.</param>
    /// <exception cref="ArgumentException">A setting is out of range, runc is missing, the server is not root, or the root filesystem is asked writable.</exception>
    public RuncDriver(RuncDriverOptions runc, DockerDriverOptions options, TimeProvider time, ILogger<RuncDriver> logger, IMeterFactory? meterFactory = null)
        : this(options, Checked(runc, options), time, logger, meterFactory)
    {
    }

    // The settings in the other order: runc's checked by the public constructor, before the base makes anything.
    private RuncDriver(DockerDriverOptions options, RuncDriverOptions runc, TimeProvider time, ILogger<RuncDriver> logger, IMeterFactory? meterFactory)
        : base(options, time, logger, meterFactory)
    {
        var node = RootfsCache.Sanitize(options.Node);
        var nodeDir = Path.Combine(runc.StateDir, "nodes", node);
        _bundlesDir = Path.Combine(nodeDir, "bundles");
        _imagesDir = Path.Combine(runc.StateDir, "images");
        _rootfs = new RootfsCache(Engine, _imagesDir, options.Node, time, logger);
        _rootfsCleaner = new RootfsCleaner(_imagesDir, options.Node, options, time, logger);
        var runcPath = runc.ResolveRuncPath()!;
        _runc = new RuncCli(runcPath, Path.Combine(nodeDir, "state"), Metrics, time);
        _initPath = runc.HasInit ? runc.InitPath : null;
        _network = options.Network == "none" ? null : new RuncNetwork(runc.ParseSubnet()!.Value, runc.StateDir, options.Node, time, logger);
        RuncLog.Started(logger, runcPath, runc.StateDir);
    }

    /// <summary>
    /// <paramref name="runc"/> as this driver reads it (a root filesystem the hardening leaves writable is asked
    /// writable); throws as the public constructor says.
    /// </summary>
    private static RuncDriverOptions Checked(RuncDriverOptions runc, DockerDriverOptions options)
    {
        ArgumentNullException.ThrowIfNull(runc);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        runc = runc with { Driver = ContainerDriverKind.Runc, WritableRootAsked = runc.WritableRootAsked || !options.Hardening.ReadOnlyRootFilesystem };
        return runc.Problem() is { } problem ? throw new ArgumentException("FN_DRIVER " + problem, nameof(runc)) : runc;
    }

    /// <exception cref="ContainerStartException">
    /// As the Docker driver's for the image (not found, unauthorized, pull timed out, a <c>VOLUME</c>); also
    /// <see cref="ContainerStartError.ImageRefused"/> when the image has no command, names a user it does not have,
    /// or its file system cannot serve as a read-only root.
    /// </exception>
    private protected override async Task<IFnContainer> CreateCoreAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        var ensured = await Puller.EnsureAsync(spec.Image, spec.PullAlways, cancellationToken);
        var config = ensured.Image.Config;
        if (config?.Volumes is { Count: > 0 } volumes)
        {
            throw DockerDriver.VolumeRefused(spec.Image, volumes.Keys);
        }

        var args = OciSpecBuilder.ArgsOf(config?.Entrypoint, config?.Cmd);
        if (args.Count == 0)
        {
            throw new ContainerStartException(ContainerStartError.ImageRefused, $"image '{spec.Image}' declares neither ENTRYPOINT nor CMD: there is nothing to run");
        }

        // Held until the container is removed, so that the clean-up leaves its root filesystem.
        var lease = await _rootfs.AcquireAsync(ensured.Image.ID, spec.Image, config?.WorkingDir, cancellationToken);
        var rootfs = lease.Path;
        var (user, problem) = OciUser.Resolve(
            Options.Hardening.User is { Length: > 0 } forced ? forced : config?.User,
            ReadImageFile(rootfs, "passwd"),
            ReadImageFile(rootfs, "group"));
        if (user is null)
        {
            lease.Dispose();
            throw new ContainerStartException(ContainerStartError.ImageRefused, $"image '{spec.Image}': {problem}");
        }

        var id = "fnsharp-" + Guid.NewGuid().ToString("N")[..20];
        var iofsDir = Path.Combine(Options.IofsRoot, id);
        var bundleDir = Path.Combine(_bundlesDir, id);
        Owned.TryAdd(id, 0);
        var cgroup = Cgroups.Enter(spec.FnId, (long)spec.MemoryMiB * 1024 * 1024);
        try
        {
            SocketDirectories.Create(Options.IofsRoot, id);
            Directory.CreateDirectory(bundleDir);
            var (environment, logFrameName) = DockerDriver.EnvironmentOf(spec, id);
            // Under the fn's cgroup, or the node's when fns get none.
            var cgroupsPath = (cgroup.Path ?? Cgroups.NodePath) + "/" + id;
            IReadOnlyList<(string, string)> fileMounts = [];
            if (_network is not null)
            {
                var address = await _network.AttachAsync(id, cancellationToken);
                fileMounts = await RuncNetwork.WriteEtcFilesAsync(bundleDir, id, address, cancellationToken);
            }

            var input = new OciSpecInput
            {
                ContainerId = id,
                RootfsPath = rootfs,
                Args = args,
                Env = OciSpecBuilder.EnvOf(config?.Env, environment, id, user.Home),
                Cwd = config?.WorkingDir is { Length: > 0 } cwd ? cwd : "/",
                User = user,
                IofsDir = iofsDir,
                MemoryBytes = (long)spec.MemoryMiB * 1024 * 1024,
                Hardening = Options.Hardening,
                CgroupsPath = cgroupsPath,
                InitPath = _initPath,
                CgroupV2 = RuncCgroup.IsV2,
                NetworkNamespacePath = _network is null ? null : RuncNetwork.NamespacePath(id),
                FileMounts = fileMounts,
            };
            await File.WriteAllTextAsync(Path.Combine(bundleDir, "config.json"), OciSpecBuilder.Build(input).ToJsonString(), cancellationToken);
            return new RuncContainer(_runc, Options, Time, id, bundleDir, iofsDir, logFrameName, new RuncCgroup(cgroupsPath))
            {
                ImageDigest = ImagePuller.DigestOf(ensured.Image, spec.Image),
                PullTime = ensured.PullTime,
                Removed = () =>
                {
                    cgroup.Dispose();
                    lease.Dispose();
                    return ForgetAsync(id);
                },
            };
        }
        catch
        {
            cgroup.Dispose();
            lease.Dispose();
            await ForgetAsync(id);
            DockerDriver.DeleteDirectory(bundleDir);
            DockerDriver.DeleteDirectory(iofsDir);
            throw;
        }
    }

    /// <summary>
    /// One round of the clean-up of the root filesystems unpacked for runc (<see cref="RootfsCleaner"/>): when they take
    /// more than <see cref="DockerDriverOptions.ImageCleanMaxBytes"/>, removes the least recently used of them that have
    /// been unused for <see cref="DockerDriverOptions.ImageCleanMinAgeMs"/>, that no container holds and whose image no
    /// fn names (by the names the engine lists for each image id). Nothing when the clean-up is off (the default).
    /// </summary>
    /// <param name="imagesInUse">The images the fns of the store name, as they name them: their root filesystems stay.</param>
    /// <param name="cancellationToken">Ends the round.</param>
    /// <returns>The ids of the images whose root filesystems were removed.</returns>
    /// <exception cref="DockerApiException">The engine failed to list its images (nothing was removed).</exception>
    public async Task<IReadOnlyList<string>> CleanRootfsAsync(IReadOnlyCollection<string> imagesInUse, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(imagesInUse);
        if (Options.ImageCleanMaxBytes <= 0)
        {
            return [];
        }

        var used = new HashSet<string>(imagesInUse.Select(ImageCleaner.Familiar), StringComparer.Ordinal);
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var image in await Engine.ListImagesAsync(cancellationToken))
        {
            if ((image.RepoTags ?? []).Concat(image.RepoDigests ?? []).Any(used.Contains))
            {
                named.Add(image.ID);
            }
        }

        return await _rootfsCleaner.CleanAsync(named, cancellationToken);
    }

    /// <summary>Frees what a container of this driver holds besides its bundle: its network and its place among the owned.</summary>
    private async Task ForgetAsync(string id)
    {
        await ReleaseNetworkAsync(id);
        Owned.TryRemove(id, out _);
    }

    /// <summary>Deletes the container's network namespace and frees its address (<see cref="RuncNetwork.DetachAsync"/>), when containers have a network.</summary>
    private Task ReleaseNetworkAsync(string id) => _network?.DetachAsync(id) ?? Task.CompletedTask;

    private protected override bool IsRemovalFailure(Exception exception) =>
        exception is IOException or HttpRequestException or DockerApiException or JsonException;

    /// <summary>Logs it; the fn cgroups no container still holds go, and the node's once empty (runc's containers left hold theirs until the next start-up), as the Docker driver's.</summary>
    private protected override void RemovalFailed(Exception exception)
    {
        RuncLog.RemovalFailed(Logger, exception, Options.Node);
        Cgroups.RemoveAll();
    }

    /// <summary>
    /// The containers in this node's runc state directory (orphans: those this driver is not creating and never handed
    /// out), with their network namespaces and addresses and their bundles; at start-up and shutdown also the bundles of
    /// containers never started, and at start-up unpacks left half done and the engine's containers this node made to
    /// unpack an image.
    /// </summary>
    /// <exception cref="IOException">runc failed to list them.</exception>
    private protected override async Task<int> RemoveNodeContainersAsync(Removal which, CancellationToken cancellationToken)
    {
        var removed = 0;
        foreach (var id in await _runc.ListAsync(cancellationToken))
        {
            if (which == Removal.Orphans && Owned.ContainsKey(id))
            {
                continue;
            }

            if (await _runc.DeleteAsync(id, cancellationToken) is { } error)
            {
                RuncLog.CommandFailed(Logger, "delete", id, error);
                continue;
            }

            removed++;
            await ReleaseNetworkAsync(id);

            DockerDriver.DeleteDirectory(Path.Combine(_bundlesDir, id));
            DockerDriver.DeleteDirectory(Path.Combine(Options.IofsRoot, id));
            switch (which)
            {
                case Removal.Leftovers:
                    RuncLog.LeftoverRemoved(Logger, id);
                    break;
                case Removal.Orphans:
                    RuncLog.OrphanRemoved(Logger, id);
                    break;
            }
        }

        if (which != Removal.Orphans)
        {
            await RemoveUnstartedAsync(which, cancellationToken);
            Cgroups.RemoveAll();
        }

        return removed;
    }

    /// <summary>
    /// The bundles of containers never started (at shutdown, those not handed out are none), the engine's containers of
    /// unpacks, then the end of the unpacks under way (a removal at shutdown returns after them), and at start-up what
    /// unpacks left.
    /// </summary>
    private async Task RemoveUnstartedAsync(Removal which, CancellationToken cancellationToken)
    {
        if (Directory.Exists(_bundlesDir))
        {
            foreach (var bundle in Directory.GetDirectories(_bundlesDir))
            {
                var id = Path.GetFileName(bundle);
                await ReleaseNetworkAsync(id);

                DockerDriver.DeleteDirectory(bundle);
                DockerDriver.DeleteDirectory(Path.Combine(Options.IofsRoot, id));
            }
        }

        if (which == Removal.Leftovers)
        {
            foreach (var directory in RootfsCache.RemoveUnfinished(_imagesDir, Options.Node))
            {
                RuncLog.UnfinishedRemoved(Logger, directory);
            }

            if (_network is not null)
            {
                await _network.RemoveLeftoversAsync();
            }
        }

        // At shutdown too: an unpack still under way (it goes on for every container waiting for the image, whichever
        // call asked first) would otherwise leave its container of the image on the engine until the node's next start.
        try
        {
            var unpacking = await Engine.ListContainersAsync([$"{DockerLabels.Managed}=true", $"{DockerLabels.Node}={Options.Node}"], cancellationToken);
            foreach (var container in unpacking.Where(c => (c.Names ?? []).Any(n => n.TrimStart('/').StartsWith(RootfsCache.UnpackPrefix, StringComparison.Ordinal))))
            {
                await Engine.RemoveContainerAsync(container.ID, cancellationToken);
            }
        }
        catch (Exception e) when (e is HttpRequestException or DockerApiException)
        {
            // The engine is down: its containers of unpacks go at the next start, and so do the unpacks' directories.
            RuncLog.RemovalFailed(Logger, e, Options.Node);
            return;
        }

        // The unpacks go on without the creates that waited for them (the stop cancelled those), their exports cut short
        // by the removal above: their ends (a move into place, or the removal of a cut one) are the last writes under
        // images/, made before the stop returns. Not when the engine does not answer: an export may then wait out its time.
        await _rootfs.WaitForUnpacksAsync();
    }

    /// <summary>
    /// The image's <c>/etc/NAME</c>, or <see langword="null"/> when it has none or it is a link (which could point
    /// anywhere on the host).
    /// </summary>
    private static string? ReadImageFile(string rootfs, string name)
    {
        var etc = Path.Combine(rootfs, "etc");
        var file = Path.Combine(etc, name);
        return new DirectoryInfo(etc).LinkTarget is null && new FileInfo(file) is { Exists: true, LinkTarget: null } ? File.ReadAllText(file) : null;
    }
}
