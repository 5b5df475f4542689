using FnSharp.Agent.Runner.Admission;
using FnSharp.Agent.Runner.Containers;
using FnSharp.Agent.Runner.Eviction;
using FnSharp.Agent.Runner.KeepAlive;
using Microsoft.Extensions.Logging;

namespace FnSharp.Agent.Runner.Queue;

/// <summary>The node's parts that every slot queue works with; the runner makes one and gives it to each queue.</summary>
internal sealed record SlotQueueParts
{
    /// <summary>Lets a call without an idle container wait, or refuses it.</summary>
    public required CallAdmission Admission { get; init; }

    /// <summary>Starts the containers the queue decides to launch.</summary>
    public required ContainerLauncher Launcher { get; init; }

    /// <summary>Hears of the queue's idle containers, which it may evict for other queues.</summary>
    public required Evictor Evictor { get; init; }

    /// <summary>Removes the queue's containers that are killed, idle out, or outlive a stop.</summary>
    public required LiveContainers Containers { get; init; }

    /// <summary>Whether the runner stops; counts the calls running; keeps the launches for shutdown.</summary>
    public required RunnerLifetime Lifetime { get; init; }

    /// <summary>Forgets a queue that holds no container and no call any more (the runner's table of queues).</summary>
    public required Action<SlotQueue> ForgetIfEmpty { get; init; }

    /// <summary>The node's keep-alive policy: each fn's idle times, and how long its idle containers are kept and when one is pre-warmed.</summary>
    public required KeepAliveBook KeepAlive { get; init; }

    /// <summary>The queue's instruments (waits, running calls, idle-outs).</summary>
    public required AgentMetrics Metrics { get; init; }

    /// <summary>The busy share of the node's CPUs lately (0 to 1), or <see langword="null"/> when unknown; for the launch policy.</summary>
    public required Func<double?> NodeCpuBusy { get; init; }

    /// <summary>The node's CPUs, in cores.</summary>
    public required double NodeCpus { get; init; }

    /// <summary>The runner's settings (the pause of idle containers).</summary>
    public required AgentOptions Options { get; init; }

    /// <summary>The runner's clock.</summary>
    public required TimeProvider Time { get; init; }

    /// <summary>Hears each change of the queue's state.</summary>
    public required IRunnerObserver Observer { get; init; }

    /// <summary>The runner's log.</summary>
    public required ILogger Logger { get; init; }
}
