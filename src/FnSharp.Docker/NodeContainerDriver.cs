using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using ContainerSpec = FnSharp.Agent.Drivers.ContainerSpec;

namespace FnSharp.Docker;

/// <summary>
/// What the Docker driver and the runc driver share: the Docker engine their images come from (one
/// <see cref="DockerEngineClient"/>, timed on <see cref="DockerApiMetrics"/>, and an <see cref="ImagePuller"/>), each
/// fn's CPU cgroup (<see cref="FnCgroups"/>), the names of the containers being created or handed out (any other
/// container of this node is an orphan), an engine that does not answer reported as
/// <see cref="ContainerStartError.EngineUnavailable"/>, and the removal of this node's containers at start-up
/// (leftovers), while it runs (orphans) and once at the server's stop (<see cref="RemoveAllAsync"/>, or when disposed
/// asynchronously without a stop). A driver says how it creates a container and how it finds and removes this node's.
/// </summary>
public abstract class NodeContainerDriver : IContainerDriver, IDisposable, IAsyncDisposable
{
    private readonly ImageCleaner _cleaner;
    private readonly Lock _removalLock = new();
    private Task? _removedAll;
    private int _disposed;
    private volatile bool _disowned;

    /// <summary>Makes the engine's client, the image puller and the fn cgroups of <paramref name="options"/>' node.</summary>
    /// <exception cref="ArgumentException">An option is out of range (<see cref="DockerDriverOptions.Validate"/>).</exception>
    private protected NodeContainerDriver(DockerDriverOptions options, TimeProvider time, ILogger logger, IMeterFactory? meterFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Time = time;
        Logger = logger;
        Metrics = new DockerApiMetrics(time, meterFactory);
        Engine = new DockerEngineClient(options, Metrics, time);
        Puller = new ImagePuller(Engine, options, time, logger);
        Cgroups = new FnCgroups(options.CgroupRoot, options.Node, logger);
        _cleaner = new ImageCleaner(Engine, options, Puller.Pulled, time, logger);
    }

    /// <summary>The driver's settings.</summary>
    private protected DockerDriverOptions Options { get; }

    /// <summary>The clock of timeouts and of the engine's timings.</summary>
    private protected TimeProvider Time { get; }

    /// <summary>The driver's log.</summary>
    private protected ILogger Logger { get; }

    /// <summary>The timings of the engine's calls (and of runc's commands), meter <c>FnSharp.Docker</c>.</summary>
    private protected DockerApiMetrics Metrics { get; }

    /// <summary>The engine's one client, for images and the engine's own containers.</summary>
    private protected DockerEngineClient Engine { get; }

    /// <summary>Inspects and pulls the images containers run.</summary>
    private protected ImagePuller Puller { get; }

    /// <summary>Each fn's CPU cgroup, under the node's.</summary>
    private protected FnCgroups Cgroups { get; }

    /// <summary>
    /// The names of the containers being created or handed out and not yet removed: any other container of this node
    /// is an orphan (<see cref="RemoveOrphansAsync"/>). Names, not containers: the runner keeps the list.
    /// </summary>
    private protected ConcurrentDictionary<string, byte> Owned { get; } = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    /// <exception cref="ContainerStartException">
    /// <see cref="ContainerStartError.EngineUnavailable"/> when the engine does not answer; the others the driver's
    /// create says (<see cref="DockerDriver"/>, <see cref="Runc.RuncDriver"/>).
    /// </exception>
    public async Task<IFnContainer> CreateAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        try
        {
            return await CreateCoreAsync(spec, cancellationToken);
        }
        catch (Exception e) when (DockerEngineClient.IsUnreachable(e))
        {
            throw DockerEngineClient.Unreachable(Options.Endpoint, e);
        }
    }

    /// <summary>
    /// One round of the image clean-up (<see cref="ImageCleaner"/>): when the images this driver pulled take more than
    /// <see cref="DockerDriverOptions.ImageCleanMaxBytes"/>, removes the least recently used of them that have been
    /// unused for <see cref="DockerDriverOptions.ImageCleanMinAgeMs"/> and that no fn names. Nothing when the
    /// clean-up is off (the default).
    /// </summary>
    /// <param name="imagesInUse">The images the fns of the store name, as they name them: never removed.</param>
    /// <param name="cancellationToken">Ends the round.</param>
    /// <returns>The names removed.</returns>
    public Task<IReadOnlyList<string>> CleanImagesAsync(IReadOnlyCollection<string> imagesInUse, CancellationToken cancellationToken) =>
        _cleaner.CleanAsync(imagesInUse, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>None once <see cref="Disown"/> was called.</remarks>
    public Task<int> RemoveLeftoversAsync(CancellationToken cancellationToken) =>
        _disowned ? Task.FromResult(0) : RemoveNodeContainersAsync(Removal.Leftovers, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>Containers handed out stay, even when their removal failed: their owner tries it again. None once <see cref="Disown"/> was called.</remarks>
    public Task<int> RemoveOrphansAsync(CancellationToken cancellationToken) =>
        _disowned ? Task.FromResult(0) : RemoveNodeContainersAsync(Removal.Orphans, cancellationToken);

    /// <inheritdoc/>
    /// <remarks>
    /// A removal that fails as <see cref="IsRemovalFailure"/> says is logged (<see cref="RemovalFailed"/>). None once
    /// <see cref="Disown"/> was called. The engine client stays open (the image clean-up may still run a round).
    /// </remarks>
    public Task RemoveAllAsync()
    {
        lock (_removalLock)
        {
            return _removedAll ??= RemoveAllCoreAsync();
        }
    }

    /// <summary>
    /// This server does not own its node's containers (another server runs under the node's name on this host, see
    /// <see cref="NodeLock"/>, and this one is refused at start-up): from now on none of the node's containers is removed,
    /// as leftovers, as orphans or when this driver is disposed, since they are the other server's.
    /// </summary>
    public void Disown() => _disowned = true;

    /// <inheritdoc/>
    public bool OwnsNodeContainers => !_disowned;

    /// <summary>Closes the engine client; the containers stay (see <see cref="DisposeAsync"/>).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Close();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Removes every container of this node (<see cref="RemoveAllAsync"/>: nothing more when the server's stop did), then
    /// closes the engine client. Only the first call of this or <see cref="Dispose"/> does anything (a host may dispose
    /// one instance under two registrations).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await RemoveAllAsync();
        Close();
        GC.SuppressFinalize(this);
    }

    /// <summary>Creates a container; the engine's failure to answer is <see cref="CreateAsync"/>'s to report.</summary>
    private protected abstract Task<IFnContainer> CreateCoreAsync(ContainerSpec spec, CancellationToken cancellationToken);

    /// <summary>Removes this node's containers that <paramref name="which"/> names, with what each holds on the host; returns how many.</summary>
    private protected abstract Task<int> RemoveNodeContainersAsync(Removal which, CancellationToken cancellationToken);

    /// <summary>Whether the removal at shutdown failed with <paramref name="exception"/> because what holds the containers did not answer (a bug is not caught).</summary>
    private protected abstract bool IsRemovalFailure(Exception exception);

    /// <summary>Logs a removal at shutdown that failed, and frees what can go without it.</summary>
    private protected abstract void RemovalFailed(Exception exception);

    private async Task RemoveAllCoreAsync()
    {
        try
        {
            if (!_disowned)
            {
                await RemoveNodeContainersAsync(Removal.All, CancellationToken.None);
            }
        }
        catch (Exception e) when (IsRemovalFailure(e))
        {
            RemovalFailed(e);
        }
    }

    private void Close()
    {
        Engine.Dispose();
        Metrics.Dispose();
    }
}
