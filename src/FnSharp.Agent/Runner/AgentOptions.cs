namespace FnSharp.Agent.Runner;

/// <summary>
/// Settings of the runner (<see cref="RunnerAgent"/>), read by the server from Fn's <c>FN_*</c> names
/// where Fn has the same setting, and checked there at start-up (its <c>Settings.Agent</c>).
/// </summary>
public sealed record AgentOptions
{
    /// <summary>Caps the memory containers may reserve, in bytes (<c>FN_MAX_TOTAL_MEMORY_BYTES</c>); <see langword="null"/> or 0: no cap beyond the host's.</summary>
    public long? MaxTotalMemoryBytes { get; set; }

    /// <summary>Caps the node's CPU, in milli-CPUs (<c>FN_MAX_TOTAL_CPU_MCPUS</c>); <see langword="null"/> or 0: no cap beyond the host's.</summary>
    public long? MaxTotalCpuMilliCpus { get; set; }

    /// <summary>Memory kept back from containers for the server and the engine, in MiB (<c>FN_MEMORY_HEADROOM_MIB</c>, default 256).</summary>
    public long MemoryHeadroomMiB { get; set; } = 256;

    /// <summary>The share of the total memory that containers started for async calls may reserve, from 0 to 1 (<c>FN_ASYNC_MEMORY_SHARE</c>, default 0.8).</summary>
    public double AsyncMemoryShare { get; set; } = 0.8;

    /// <summary>Longest a call waits for a container before it gets 503, in milliseconds (<c>FN_MAX_WAIT_MSECS</c>, default 10000). Fn's agent had no such limit.</summary>
    public int MaxWaitMs { get; set; } = 10_000;

    /// <summary>Most calls of one fn that may wait for a container at once (<c>FN_MAX_QUEUED_PER_FN</c>, default 1000); more get 503.</summary>
    public int MaxQueuedPerFn { get; set; } = 1000;

    /// <summary>Most calls of all fns that may wait for a container at once (<c>FN_MAX_QUEUED_TOTAL</c>, default 10000); more get 503.</summary>
    public int MaxQueuedTotal { get; set; } = 10_000;

    /// <summary>Most container operations (create, start, remove) in flight on the engine at once (<c>FN_MAX_CONTAINER_OPS</c>, default 4 per CPU); more queue.</summary>
    public int MaxContainerOps { get; set; } = 4 * Environment.ProcessorCount;

    /// <summary>
    /// How long a container stays idle before it is paused, in milliseconds (<c>FN_FREEZE_IDLE_MSECS</c>,
    /// default 30000; Fn's was 50), at least four of its fn's mean gaps between calls so that a fn being
    /// called is never paused between calls; 0 pauses at once when the fn is quiet; a negative value never
    /// pauses. The default comes from measurements (<see cref="Queue.PausePolicy"/>): a pause frees no
    /// memory and saves under 1 ms of CPU per second of idle, while an unpause costs the next call tens of ms.
    /// </summary>
    public int FreezeIdleMs { get; set; } = 30_000;

    /// <summary>
    /// The CPU an idle container must have used since its last call before it is paused, in milliseconds
    /// (<c>FN_FREEZE_CPU_MSECS</c>, default <see cref="Queue.PausePolicy.PauseCycleCpuMs"/>: what a pause and its
    /// unpause cost the node, the rent-or-buy rule of <see cref="Queue.PausePolicy"/>); 0 pauses as soon as
    /// <see cref="FreezeIdleMs"/> is past, as Fn's agent does. Containers whose CPU the driver cannot tell are paused then too.
    /// </summary>
    public double FreezeCpuMs { get; set; } = Queue.PausePolicy.PauseCycleCpuMs;

    /// <summary>
    /// How long a container whose call's connection broke may take to exit on its own before it is killed, in
    /// milliseconds (default 250; not a setting): a process that ends through its runtime's exit (.NET's
    /// <c>Environment.Exit</c>, Java's <c>System.exit</c>) closes its sockets before it exits, and without the wait the
    /// kill's 137 would hide the exit code it chose. 0 kills at once.
    /// </summary>
    public int ExitGraceMs { get; set; } = 250;

    /// <summary>How long shutdown lets running calls finish before it kills their containers, in milliseconds (<c>FN_SHUTDOWN_GRACE_MSECS</c>, default 20000).</summary>
    public int ShutdownGraceMs { get; set; } = 20_000;

    /// <summary>
    /// How long idle containers are kept, and whether containers are started ahead of calls (<c>FN_KEEPALIVE_POLICY</c>,
    /// default <see cref="KeepAlive.KeepAlivePolicyKind.Fixed"/>): the fn's <c>idle_timeout</c>, or windows learned
    /// from each fn's idle times (<see cref="KeepAlive.KeepAlivePolicyKind.Hybrid"/> or <see cref="KeepAlive.KeepAlivePolicyKind.Cost"/>,
    /// bounded by <c>idle_timeout</c>).
    /// </summary>
    public KeepAlive.KeepAlivePolicyKind KeepAlivePolicy { get; set; } = KeepAlive.KeepAlivePolicyKind.Fixed;

    /// <summary>
    /// The price of one cold start under the cost keep-alive policy, in GiB-seconds of idle container memory
    /// (<c>FN_KEEPALIVE_COLD_START_GIB_SECS</c>, default 300): a fn's container is kept after a call, or pre-warmed, where
    /// the memory it keeps costs less than the cold starts it saves at this price (<see cref="KeepAlive.CostKeepAlive"/>).
    /// Higher keeps more memory for fewer cold starts.
    /// </summary>
    public double KeepAliveColdStartGiBSeconds { get; set; } = KeepAlive.CostKeepAlive.DefaultColdStartPriceGiBSeconds;

    /// <summary>
    /// Most containers the node creates ahead of demand, not started (<c>FN_PRECREATE_MAX</c>, default 16; 0 turns it off):
    /// one per fn just created or updated, or whose last container was just removed, so that its next cold start only
    /// starts it (issue 17, <see cref="Containers.PreCreatedContainers"/>). Each is made only while the node's free memory could start it.
    /// </summary>
    public int PreCreateMax { get; set; } = 16;

    /// <summary>How long a container created ahead waits for a call before it is removed, in milliseconds (<c>FN_PRECREATE_IDLE_MSECS</c>, default 600000: 10 minutes).</summary>
    public int PreCreateIdleMs { get; set; } = 600_000;

    /// <summary>The <c>Retry-After</c> sent with 503 too busy, in seconds (<c>FN_RETRY_AFTER_SECS</c>, default 1).</summary>
    public int RetryAfterSeconds { get; set; } = 1;
}
