using System.Diagnostics.Metrics;
using Docker.DotNet;
using Docker.DotNet.Models;
using FnSharp.Agent.Drivers;
using ContainerSpec = FnSharp.Agent.Drivers.ContainerSpec;
using Microsoft.Extensions.Logging;

namespace FnSharp.Docker;

/// <summary>
/// Runs fn containers on a Docker engine through its Engine API (Docker.DotNet.Enhanced, every call through
/// <see cref="DockerEngineClient"/>), as Fn's <c>drivers/docker</c> does: each container gets a fresh host
/// directory bind-mounted at <c>/tmp/iofs</c>, the environment of the http-stream contract (plus the log
/// frame variables), labels naming FnSharp, the node, the app and the fn, a memory limit and the hardening
/// of <see cref="DockerDriverOptions.Hardening"/>. A missing image is pulled (<see cref="ImagePuller"/>);
/// images that declare a <c>VOLUME</c> are refused. The driver keeps no list of its containers: the runner
/// keeps the one list, and the engine finds this node's containers by label, at start-up
/// (<see cref="NodeContainerDriver.RemoveLeftoversAsync"/>), while it runs (<see cref="NodeContainerDriver.RemoveOrphansAsync"/>: those whose creation
/// went unanswered, known only by the names the driver is creating or handed out) and when the driver is
/// disposed asynchronously.
/// </summary>
public sealed class DockerDriver : NodeContainerDriver
{
    /// <summary>The header whose value the FDK writes in its log frame markers, unless the fn's config names another.</summary>
    public const string LogFrameHeader = "Fn-Call-Id";

    private int _engineCgroupsChecked;

    /// <summary>Creates a driver for the engine at <see cref="DockerDriverOptions.Endpoint"/>.</summary>
    /// <param name="options">The driver's settings.</param>
    /// <param name="time">The clock of timeouts and of the Engine API timings.</param>
    /// <param name="logger">The driver's log.</param>
    /// <param name="meterFactory">Creates the meter <c>FnSharp.Docker</c> (<see cref="DockerApiMetrics"/>); without one the driver makes its own.</param>
    /// <exception cref="ArgumentException">An option is out of range (<see cref="DockerDriverOptions.Validate"/>).</exception>
    public DockerDriver(DockerDriverOptions options, TimeProvider time, ILogger<DockerDriver> logger, IMeterFactory? meterFactory = null)
        : base(options, time, logger, meterFactory)
    {
        if (!options.Endpoint.StartsWith("unix://", StringComparison.Ordinal))
        {
            Cgroups.Disable($"the engine at {options.Endpoint} may be on another host, whose cgroups this server cannot write");
        }
    }

    /// <summary>Why fns do not get a CPU cgroup of their own (<see cref="FnCgroups"/>), or <see langword="null"/> while they do.</summary>
    internal string? FnCgroupsUnavailable => Cgroups.Unavailable;

    /// <summary>The cgroup, relative to the cgroup root, that the containers of fn <paramref name="fnId"/> are put under.</summary>
    internal string FnCgroupOf(string fnId) => Cgroups.PathOf(fnId);

    /// <summary>
    /// The image check (inspect, and a pull when the image is missing) runs beside the engine's create, not before it:
    /// the create names the image, so it fails with 404 when the image is missing, and is then made again after the
    /// pull. An image with a <c>VOLUME</c> is refused once the check tells it, its container removed. With the pull
    /// policy <c>always</c> the pull comes first. (Fn's agent inspects, then creates; issue 17 takes the inspect off the path.)
    /// </summary>
    /// <exception cref="ContainerStartException">
    /// <see cref="ContainerStartError.ImageNotFound"/>, <see cref="ContainerStartError.ImageUnauthorized"/> or
    /// <see cref="ContainerStartError.ImagePullTimedOut"/> (the message names the image, and the registry), or <see cref="ContainerStartError.ImageRefused"/> for an image with a <c>VOLUME</c>;
    /// <see cref="ContainerStartError.NodeFault"/> when the container's socket directory cannot be made (<see cref="SocketDirectories"/>).
    /// </exception>
    private protected override async Task<IFnContainer> CreateCoreAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        // First: a node that cannot make it fails the start as its own fault, before the engine is asked anything.
        var name = "fnsharp-" + Guid.NewGuid().ToString("N")[..20];
        var iofsDir = SocketDirectories.Create(Options.IofsRoot, name);
        try
        {
            await CheckEngineCgroupsAsync(cancellationToken);
        }
        catch
        {
            DeleteDirectory(iofsDir);
            throw;
        }

        var ensuring = Puller.EnsureAsync(spec.Image, spec.PullAlways, cancellationToken);
        string? containerId = null;
        var cgroup = Cgroups.Enter(spec.FnId, (long)spec.MemoryMiB * 1024 * 1024);
        try
        {
            if (spec.PullAlways)
            {
                await ensuring;
            }

            var (parameters, logFrameName) = Parameters(spec, name, iofsDir, cgroup.Path);
            // Owned from before the engine is asked: a listing of the node's containers made meanwhile may show it.
            Owned.TryAdd(name, 0);
            containerId = await TryCreateAsync(parameters, cancellationToken);
            var ensured = await ensuring;
            if (ensured.Image.Config?.Volumes is { Count: > 0 } volumes)
            {
                throw VolumeRefused(spec.Image, volumes.Keys);
            }

            // Missing at the first create: the check pulled it.
            containerId ??= await TryCreateAsync(parameters, cancellationToken)
                ?? throw new ContainerStartException(ContainerStartError.ImageNotFound, $"image '{spec.Image}' is not on this host");
            return new DockerContainer(Engine, Options, Time, containerId, iofsDir, logFrameName, cgroup.Path)
            {
                ImageDigest = ImagePuller.DigestOf(ensured.Image, spec.Image),
                PullTime = ensured.PullTime,
                Removed = () =>
                {
                    Owned.TryRemove(name, out _);
                    cgroup.Dispose();
                },
            };
        }
        catch
        {
            // Not created, or created without an answer (the engine went down or hung): an orphan then, for RemoveOrphansAsync.
            Owned.TryRemove(name, out _);
            cgroup.Dispose();

            // The check's own failure, when the create failed first, is not the one to report.
            _ = ensuring.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            if (containerId is not null)
            {
                await Engine.RemoveContainerAsync(containerId, CancellationToken.None);
            }

            DeleteDirectory(iofsDir);
            throw;
        }
    }

    /// <summary>
    /// Once, before the first container: fn cgroups are paths of the engine's <c>cgroupfs</c> driver; with the
    /// <c>systemd</c> driver a parent must be a slice, which FnSharp does not make, so each container keeps its own weight.
    /// </summary>
    private async Task CheckEngineCgroupsAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _engineCgroupsChecked) == 1 || Cgroups.Unavailable is not null)
        {
            return;
        }

        var info = await Engine.GetSystemInfoAsync(cancellationToken);
        if (!string.Equals(info.CgroupDriver, "cgroupfs", StringComparison.Ordinal))
        {
            Cgroups.Disable($"the engine's cgroup driver is '{info.CgroupDriver}', and FnSharp makes fn cgroups for the 'cgroupfs' driver only");
        }

        Volatile.Write(ref _engineCgroupsChecked, 1);
    }

    /// <summary>The engine's create; <see langword="null"/> when the image is not on the host (404).</summary>
    private async Task<string?> TryCreateAsync(CreateContainerParameters parameters, CancellationToken cancellationToken)
    {
        try
        {
            return (await Engine.CreateContainerAsync(parameters, cancellationToken)).ID;
        }
        catch (DockerImageNotFoundException)
        {
            return null;
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>The create's parameters: the socket directory, the contract's environment with the log frame variables, labels, logs, the hardening and the fn's cgroup (the engine's default when null).</summary>
    private (CreateContainerParameters Parameters, string LogFrameName) Parameters(ContainerSpec spec, string name, string iofsDir, string? cgroupParent)
    {
        var (environment, logFrameName) = EnvironmentOf(spec, name);
        var parameters = new CreateContainerParameters
        {
            Name = name,
            Image = spec.Image,
            Env = [.. environment.Select(e => $"{e.Key}={e.Value}")],
            Labels = new Dictionary<string, string>
            {
                [DockerLabels.Managed] = "true",
                [DockerLabels.Node] = Options.Node,
                [DockerLabels.AppId] = spec.AppId,
                [DockerLabels.FnId] = spec.FnId,
            },
            HostConfig = new HostConfig
            {
                Binds = [$"{iofsDir}:/tmp/iofs"],
                CgroupParent = cgroupParent ?? string.Empty,
                LogConfig = new LogConfig { Type = "none" },
            },
        };
        DockerHardening.Apply(parameters, Options.Hardening, (long)spec.MemoryMiB * 1024 * 1024, Options.Network);
        return (parameters, logFrameName);
    }

    /// <summary>The refusal of an image that declares <c>VOLUME</c>s, which fn containers may not have.</summary>
    internal static ContainerStartException VolumeRefused(string image, IEnumerable<string> volumes) =>
        new(ContainerStartError.ImageRefused, $"image '{image}' declares VOLUME {string.Join(", ", volumes)}: fn images may not declare volumes");

    /// <summary>
    /// The container's environment: <paramref name="spec"/>'s with the log frame variables (<c>FN_LOGFRAME_NAME</c>, unless the
    /// fn's config sets it, is the container's <paramref name="name"/>; <c>FN_LOGFRAME_HDR</c> is <see cref="LogFrameHeader"/>).
    /// </summary>
    internal static (Dictionary<string, string> Environment, string LogFrameName) EnvironmentOf(ContainerSpec spec, string name)
    {
        var environment = new Dictionary<string, string>(spec.Environment, StringComparer.Ordinal);
        if (!environment.TryGetValue("FN_LOGFRAME_NAME", out var logFrameName) || logFrameName.Length == 0)
        {
            // Unique per container, so that a line of ordinary output is not mistaken for a marker.
            logFrameName = name;
            environment["FN_LOGFRAME_NAME"] = logFrameName;
        }

        environment.TryAdd("FN_LOGFRAME_HDR", LogFrameHeader);
        return (environment, logFrameName);
    }

    /// <summary>Asks the engine whether it answers (<c>GET /_ping</c>), for readiness; throws when it does not.</summary>
    public Task PingAsync(CancellationToken cancellationToken) => Engine.PingAsync(cancellationToken);

    /// <summary>HttpRequestException: the engine does not answer, or not in time (<see cref="DockerEngineTimeoutException"/>).</summary>
    private protected override bool IsRemovalFailure(Exception exception) => exception is HttpRequestException or IOException or DockerApiException;

    /// <summary>Logs it; the fn cgroups no container still holds go (the engine's containers left hold theirs until the next start-up).</summary>
    private protected override void RemovalFailed(Exception exception)
    {
        DockerLog.RemovalFailed(Logger, exception, Options.Node);
        Cgroups.RemoveAll();
    }

    /// <summary>
    /// Removes the containers labelled with this node (all of them, or only the <see cref="Removal.Orphans"/>), with
    /// their socket directories, each logged unless all go at shutdown; returns how many. The orphans are the
    /// containers with this node's label whose names this driver is not creating and never handed out: those whose
    /// creation the engine did, but whose answer never came (it went down or hung meanwhile).
    /// </summary>
    private protected override async Task<int> RemoveNodeContainersAsync(Removal which, CancellationToken cancellationToken)
    {
        var containers = await Engine.ListContainersAsync([$"{DockerLabels.Managed}=true", $"{DockerLabels.Node}={Options.Node}"], cancellationToken);
        var removed = 0;
        foreach (var container in containers)
        {
            // Its name is the name of its socket directory (see CreateAsync).
            var names = (container.Names ?? []).Select(n => n.TrimStart('/')).Where(n => n.StartsWith("fnsharp-", StringComparison.Ordinal)).ToList();
            if (which == Removal.Orphans && (names.Count == 0 || names.Any(Owned.ContainsKey)))
            {
                continue;
            }

            await Engine.RemoveContainerAsync(container.ID, cancellationToken);
            removed++;
            names.ForEach(name => SocketDirectories.Delete(Path.Combine(Options.IofsRoot, name)));
            switch (which)
            {
                case Removal.Leftovers:
                    DockerLog.LeftoverRemoved(Logger, container.ID);
                    break;
                case Removal.Orphans:
                    DockerLog.OrphanRemoved(Logger, container.ID);
                    break;
            }
        }

        if (which != Removal.Orphans)
        {
            // Every container of the node is gone, and their cgroups with them: the fns' and the node's go now.
            Cgroups.RemoveAll();
        }

        return removed;
    }

    internal static void DeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Nothing to delete.
        }
    }
}
