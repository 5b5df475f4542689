using FnSharp.Agent.Runner;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace FnSharp.Server.Cluster;

/// <summary>
/// This node's membership in the store it shares with other nodes: once the server listens, it stores
/// a heartbeat (<see cref="Node"/>: name, URL, memory, CPU, hot containers, calls) every
/// <c>FN_NODE_HEARTBEAT_MSECS</c>, removes the nodes whose last heartbeat is older than
/// <c>FN_NODE_FORGET_SECS</c>, and logs a node that missed three heartbeats (gone) and one that came
/// back. A graceful stop removes this node's row; a node killed leaves it, shown as gone until it is
/// forgotten. Detached calls need nothing from here: their leases run out on their own.
/// </summary>
internal sealed partial class NodeHeartbeat(
    StoreHolder store,
    RunnerAgent agent,
    IServer server,
    IHostApplicationLifetime lifetime,
    IOptions<ClusterOptions> options,
    IOptions<ServerOptions> serverOptions,
    TimeProvider time,
    ILogger<NodeHeartbeat> logger) : BackgroundService
{
    // The state each node was last seen in, to log changes only (read and written by the loop alone).
    private readonly Dictionary<string, bool> _live = new(StringComparer.Ordinal);
    private DateTimeOffset _startedAt;
    private string? _url;

    /// <summary>Called after each heartbeat round, stored or failed (tests wait on it instead of polling).</summary>
    internal Action? Beat { get; set; }

    private ClusterOptions Settings => options.Value;

    private string NodeName => serverOptions.Value.NodeName;

    /// <summary>Whether <paramref name="node"/> counts as gone at <paramref name="now"/>: three heartbeats missed.</summary>
    public static bool IsGone(Node node, DateTimeOffset now, ClusterOptions settings)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(settings);
        return now - node.HeartbeatAt > settings.GoneAfter;
    }

    /// <summary>Removes this node's row, so that the others see it leave at once.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_url is null || store.Store is not INodeStore nodes)
        {
            return;
        }

        try
        {
            await nodes.RemoveNodeAsync(NodeName, cancellationToken);
            LogLeft(logger, NodeName);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The others see it as gone after three heartbeats instead.
            LogLeaveFailed(logger, e, NodeName);
        }
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _startedAt = time.GetUtcNow();
        if (!await ListeningAsync(stoppingToken))
        {
            return;
        }

        if (store.Store is not INodeStore nodes)
        {
            return;
        }

        _url = Settings.Url.Length > 0 ? Settings.Url : ListeningUrl();
        LogJoined(logger, NodeName, _url, Settings.HeartbeatMs);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await BeatAsync(nodes, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogBeatFailed(logger, e, NodeName, Settings.HeartbeatMs);
            }

            Beat?.Invoke();
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Settings.HeartbeatMs), time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task BeatAsync(INodeStore nodes, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var slots = agent.Stats();
        await nodes.PutNodeAsync(
            new Node
            {
                Name = NodeName,
                Url = _url!,
                StartedAt = _startedAt,
                HeartbeatAt = now,
                MemoryTotalMiB = agent.TotalMemoryMiB,
                MemoryReservedMiB = agent.ReservedMemoryMiB,
                CpuMilliCpus = agent.TotalCpuMilliCpus,
                HotContainers = slots.Sum(s => s.Idle + s.Busy),
                RunningCalls = slots.Sum(s => s.Busy),
                WaitingCalls = slots.Sum(s => s.Waiting),
            },
            cancellationToken);

        foreach (var name in await nodes.RemoveNodesAsync(now - TimeSpan.FromSeconds(Settings.ForgetSecs), cancellationToken))
        {
            _live.Remove(name);
            LogForgotten(logger, name, Settings.ForgetSecs);
        }

        foreach (var node in await nodes.GetNodesAsync(cancellationToken))
        {
            var live = !IsGone(node, now, Settings);
            if (_live.TryGetValue(node.Name, out var was) && was != live)
            {
                if (live)
                {
                    LogBack(logger, node.Name, node.Url);
                }
                else
                {
                    LogGone(logger, node.Name, node.Url, node.HeartbeatAt, (long)Settings.GoneAfter.TotalMilliseconds);
                }
            }

            _live[node.Name] = live;
        }
    }

    /// <summary>Waits until the server listens (its address is known then); false when the host stops first.</summary>
    private async Task<bool> ListeningAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        try
        {
            await started.Task;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The first address the server listens on, with this host's name in place of a wildcard.</summary>
    private string ListeningUrl()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is null || !Uri.TryCreate(address.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return $"http://{Environment.MachineName}:{serverOptions.Value.Port}";
        }

        var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? Environment.MachineName : uri.Host;
        return new UriBuilder(uri) { Host = host }.Uri.ToString().TrimEnd('/');
    }
}
