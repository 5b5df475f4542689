using Docker.DotNet;
using Docker.DotNet.Models;
using FnSharp.Agent.Drivers;
using ContainerSpec = FnSharp.Agent.Drivers.ContainerSpec;
using Microsoft.Extensions.Logging;

namespace FnSharp.Docker;

/// <summary>
/// Runs fn containers on a Docker engine through its Engine API (Docker.DotNet.Enhanced), as Fn's
/// <c>drivers/docker</c> does: each container gets a fresh host directory bind-mounted at
/// <c>/tmp/iofs</c>, the environment of the http-stream contract, labels naming FnSharp, the node,
/// the app and the fn, and a memory limit with no swap beyond it.
/// </summary>
public sealed partial class DockerDriver : IContainerDriver, IDisposable
{
    private readonly DockerClient _client;
    private readonly DockerDriverOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DockerDriver> _logger;

    /// <summary>Creates a driver for the engine at <see cref="DockerDriverOptions.Endpoint"/>.</summary>
    public DockerDriver(DockerDriverOptions options, TimeProvider time, ILogger<DockerDriver> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time;
        _logger = logger;
        _client = new DockerClientBuilder().WithEndpoint(new Uri(options.Endpoint)).Build();
    }

    /// <inheritdoc/>
    public async Task<IFnContainer> CreateAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var name = "fnsharp-" + Guid.NewGuid().ToString("N")[..20];
        var iofsDir = Path.Combine(_options.IofsRoot, name);
        Directory.CreateDirectory(iofsDir);

        // The container's user must be able to create its socket here, whatever its uid.
        File.SetUnixFileMode(iofsDir, (UnixFileMode)0b111_111_111);
        var memoryBytes = (long)spec.MemoryMiB * 1024 * 1024;
        var parameters = new CreateContainerParameters
        {
            Name = name,
            Image = spec.Image,
            Env = [.. spec.Environment.Select(e => $"{e.Key}={e.Value}")],
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
                Memory = memoryBytes,
                MemorySwap = memoryBytes,
                LogConfig = new LogConfig { Type = "json-file", Config = new Dictionary<string, string> { ["max-size"] = "1m" } },
            },
        };

        try
        {
            var created = await _client.Containers.CreateContainerAsync(parameters, cancellationToken);
            return new DockerContainer(this, created.ID, iofsDir);
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
        var containers = await _client.Containers.ListContainersAsync(
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
            cancellationToken);
        foreach (var container in containers)
        {
            await RemoveContainerAsync(container.ID, cancellationToken);
            LogLeftoverRemoved(_logger, container.ID);
        }

        return containers.Count;
    }

    /// <inheritdoc/>
    public void Dispose() => _client.Dispose();

    internal DockerClient Client => _client;

    internal TimeProvider Time => _time;

    internal DockerDriverOptions Options => _options;

    internal async Task RemoveContainerAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await _client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken);
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
