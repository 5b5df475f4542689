using System.Collections.Concurrent;
using Docker.DotNet;
using Docker.DotNet.Models;
using FnSharp.Agent.Drivers;
using ContainerSpec = FnSharp.Agent.Drivers.ContainerSpec;
using Microsoft.Extensions.Logging;

namespace FnSharp.Docker;

/// <summary>
/// Runs fn containers on a Docker engine through its Engine API (Docker.DotNet.Enhanced), as Fn's
/// <c>drivers/docker</c> does: each container gets a fresh host directory bind-mounted at
/// <c>/tmp/iofs</c>, the environment of the http-stream contract (plus the log frame variables), labels
/// naming FnSharp, the node, the app and the fn, a memory limit and the hardening of
/// <see cref="DockerDriverOptions.Hardening"/>. A missing image is pulled (<see cref="ImagePuller"/>);
/// images that declare a <c>VOLUME</c> are refused. Disposing the driver asynchronously removes every
/// container it created that is still there.
/// </summary>
public sealed partial class DockerDriver : IContainerDriver, IDisposable, IAsyncDisposable
{
    /// <summary>The header whose value the FDK writes in its log frame markers, unless the fn's config names another.</summary>
    public const string LogFrameHeader = "Fn-Call-Id";

    private readonly DockerClient _client;
    private readonly DockerDriverOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DockerDriver> _logger;
    private readonly ImagePuller _puller;
    private readonly ConcurrentDictionary<string, DockerContainer> _live = new(StringComparer.Ordinal);

    /// <summary>Creates a driver for the engine at <see cref="DockerDriverOptions.Endpoint"/>.</summary>
    /// <exception cref="ArgumentException">An option is out of range (<see cref="DockerDriverOptions.Validate"/>).</exception>
    public DockerDriver(DockerDriverOptions options, TimeProvider time, ILogger<DockerDriver> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = time;
        _logger = logger;
        _client = new DockerClientBuilder().WithEndpoint(new Uri(options.Endpoint)).Build();
        _puller = new ImagePuller(_client, options, time, logger);
    }

    /// <inheritdoc/>
    /// <exception cref="ContainerStartException">
    /// <see cref="ContainerStartError.ImageNotFound"/> or <see cref="ContainerStartError.ImagePullTimedOut"/> (the
    /// message names the image), or <see cref="ContainerStartError.ImageRefused"/> for an image with a <c>VOLUME</c>.
    /// </exception>
    public async Task<IFnContainer> CreateAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var image = await _puller.EnsureAsync(spec.Image, cancellationToken);
        if (image.Config?.Volumes is { Count: > 0 } volumes)
        {
            throw new ContainerStartException(ContainerStartError.ImageRefused, $"image '{spec.Image}' declares VOLUME {string.Join(", ", volumes.Keys)}: fn images may not declare volumes");
        }

        var name = "fnsharp-" + Guid.NewGuid().ToString("N")[..20];
        var iofsDir = Path.Combine(_options.IofsRoot, name);
        Directory.CreateDirectory(iofsDir);

        // The container's user (1000:1000 by default) must be able to create its socket here.
        File.SetUnixFileMode(iofsDir, (UnixFileMode)0b111_111_111);
        var environment = new Dictionary<string, string>(spec.Environment, StringComparer.Ordinal);
        if (!environment.TryGetValue("FN_LOGFRAME_NAME", out var logFrameName) || logFrameName.Length == 0)
        {
            // Unique per container, so that a line of ordinary output is not mistaken for a marker.
            logFrameName = name;
            environment["FN_LOGFRAME_NAME"] = logFrameName;
        }

        environment.TryAdd("FN_LOGFRAME_HDR", LogFrameHeader);
        var parameters = new CreateContainerParameters
        {
            Name = name,
            Image = spec.Image,
            Env = [.. environment.Select(e => $"{e.Key}={e.Value}")],
            Labels = new Dictionary<string, string>
            {
                [DockerLabels.Managed] = "true",
                [DockerLabels.Node] = _options.Node,
                [DockerLabels.AppId] = spec.AppId,
                [DockerLabels.FnId] = spec.FnId,
            },
            HostConfig = new HostConfig
            {
                Binds = [$"{iofsDir}:/tmp/iofs"],
                LogConfig = new LogConfig { Type = "json-file", Config = new Dictionary<string, string> { ["max-size"] = "1m" } },
            },
        };
        DockerHardening.Apply(parameters, _options.Hardening, (long)spec.MemoryMiB * 1024 * 1024, _options.Network);

        try
        {
            var created = await DockerApiMetrics.TimeAsync("container_create", _time, () => _client.Containers.CreateContainerAsync(parameters, cancellationToken));
            var container = new DockerContainer(this, created.ID, iofsDir, logFrameName);
            _live[created.ID] = container;
            return container;
        }
        catch (DockerImageNotFoundException e)
        {
            DeleteDirectory(iofsDir);
            throw new ContainerStartException(ContainerStartError.ImageNotFound, $"image '{spec.Image}' is not on this host", e);
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            DeleteDirectory(iofsDir);
            throw new ContainerStartException(ContainerStartError.ImageNotFound, $"image '{spec.Image}' is not on this host", e);
        }
        catch
        {
            DeleteDirectory(iofsDir);
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task<int> RemoveLeftoversAsync(CancellationToken cancellationToken)
    {
        var containers = await DockerApiMetrics.TimeAsync("container_list", _time, () => _client.Containers.ListContainersAsync(
            new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["label"] = new Dictionary<string, bool>
                    {
                        [$"{DockerLabels.Managed}=true"] = true,
                        [$"{DockerLabels.Node}={_options.Node}"] = true,
                    },
                },
            },
            cancellationToken));
        foreach (var container in containers)
        {
            await RemoveContainerAsync(container.ID, cancellationToken);

            // Its socket directory is named after it (see CreateAsync).
            foreach (var name in container.Names ?? [])
            {
                if (name.TrimStart('/') is { Length: > 0 } plain && plain.StartsWith("fnsharp-", StringComparison.Ordinal))
                {
                    DeleteDirectory(Path.Combine(_options.IofsRoot, plain));
                }
            }

            LogLeftoverRemoved(_logger, container.ID);
        }

        return containers.Count;
    }

    /// <inheritdoc/>
    public void Dispose() => _client.Dispose();

    /// <summary>Removes every container this driver created and nobody removed, then closes the engine client.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var container in _live.Values)
        {
            try
            {
                await container.RemoveAsync(CancellationToken.None);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or DockerApiException)
            {
                LogRemovalFailed(_logger, e, container.Id);
            }
        }

        _client.Dispose();
    }

    internal DockerClient Client => _client;

    internal TimeProvider Time => _time;

    internal ImagePuller Puller => _puller;

    internal DockerDriverOptions Options => _options;

    /// <summary>Asks the engine whether it answers (<c>GET /_ping</c>), for readiness; throws when it does not.</summary>
    public Task PingAsync(CancellationToken cancellationToken) =>
        DockerApiMetrics.TimeAsync("ping", _time, () => _client.System.PingAsync(cancellationToken));

    internal async Task RemoveContainerAsync(string id, CancellationToken cancellationToken)
    {
        _live.TryRemove(id, out _);
        try
        {
            await DockerApiMetrics.TimeAsync("container_remove", _time, () => _client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken));
        }
        catch (DockerContainerNotFoundException)
        {
            // Already gone: removal is idempotent.
        }
        catch (DockerApiException e) when (e.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.Conflict)
        {
            // Gone, or its removal is already in progress.
        }
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
