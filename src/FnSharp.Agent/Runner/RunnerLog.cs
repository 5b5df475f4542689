namespace FnSharp.Agent.Runner;

/// <summary>
/// Every log line of the runner's parts, in one place so that their event ids stay unique: ids 2000-2099
/// belong to the agent, 2001-2019 to the call path (launcher, slot queues, containers, dispatcher),
/// 2020-2039 to the runner as a whole (its start, eviction, removal, shutdown), 2040-2049 to refused calls,
/// one line each naming the limit (and its setting) and the fn.
/// </summary>
internal static partial class RunnerLog
{
    [LoggerMessage(2001, LogLevel.Information, "Started container {ContainerId} for fn {FnId} in {ElapsedMs:F0} ms")]
    public static partial void ContainerStarted(ILogger logger, string containerId, string fnId, double elapsedMs);

    [LoggerMessage(2002, LogLevel.Warning, "Could not start a container for fn {FnId} with image {Image}: {Error}")]
    public static partial void ContainerStartFailed(ILogger logger, Exception exception, string fnId, string image, ContainerStartError error);

    [LoggerMessage(2017, LogLevel.Error, "Could not start a container for fn {FnId}, through no fault of the fn: {Reason}. Calls that need a new container get 500 until the node is fixed")]
    public static partial void NodeFault(ILogger logger, string fnId, string reason);

    [LoggerMessage(2003, LogLevel.Warning, "Call {CallId} of fn {FnId} got no readable response from its container")]
    public static partial void ReceiveFailed(ILogger logger, Exception exception, string callId, string fnId);

    [LoggerMessage(2092, LogLevel.Warning, "Call {CallId} of fn {FnId} got no readable response: its container exited with code {ExitCode} during the call")]
    public static partial void ExitedDuringCall(ILogger logger, string callId, string fnId, long exitCode);

    [LoggerMessage(2004, LogLevel.Debug, "No memory for another container of fn {FnId} ({MemoryMiB} MiB), even after eviction: its start waits for memory behind {Ahead} other starts, in the order asked")]
    public static partial void NoMemory(ILogger logger, string fnId, long memoryMiB, int ahead);

    /// <summary>
    /// A container stopped when idle (event 2005), with its windows; the pre-warm said as <c>pre-warm after N s</c> or
    /// <c>no pre-warm</c> (a nullable number would print as nothing: "pre-warm after  s").
    /// </summary>
    public static void IdleOut(ILogger logger, string containerId, string fnId, string reason, KeepAlive.KeepAliveBasis basis, double keepAliveSeconds, double? prewarmAfterSeconds, int samples) =>
        IdleOut(logger, containerId, fnId, reason, basis, keepAliveSeconds, prewarmAfterSeconds is { } after ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"pre-warm after {after:F0} s") : "no pre-warm", samples);

    [LoggerMessage(2005, LogLevel.Debug, "Container {ContainerId} of fn {FnId} stopped when idle ({Reason}): kept {KeepAliveSeconds:F0} s at most, {Prewarm}, windows from {Basis} ({Samples} idle times learned)")]
    private static partial void IdleOut(ILogger logger, string containerId, string fnId, string reason, KeepAlive.KeepAliveBasis basis, double keepAliveSeconds, string prewarm, int samples);

    [LoggerMessage(2019, LogLevel.Debug, "Pre-warming a container of fn {FnId}: its pre-warm window opened {PrewarmAfterSeconds:F0} s after its last call; kept {KeepAliveSeconds:F0} s at most, windows from {Basis} ({Samples} idle times learned)")]
    public static partial void Prewarming(ILogger logger, string fnId, double prewarmAfterSeconds, double keepAliveSeconds, int samples, KeepAlive.KeepAliveBasis basis);

    [LoggerMessage(2006, LogLevel.Warning, "Could not pause or unpause container {ContainerId}")]
    public static partial void PauseFailed(ILogger logger, Exception exception, string containerId);

    [LoggerMessage(2007, LogLevel.Error, "Launching a container for fn {FnId} failed unexpectedly")]
    public static partial void LaunchCrashed(ILogger logger, Exception exception, string fnId);

    [LoggerMessage(2008, LogLevel.Information, "Call {CallId} of fn {FnId} exceeded its timeout of {TimeoutSeconds} s; its container is killed")]
    public static partial void CallTimedOut(ILogger logger, string callId, string fnId, int timeoutSeconds);

    [LoggerMessage(2009, LogLevel.Information, "Call {CallId} of fn {FnId} ran out of its {MemoryMiB} MiB; its container was killed")]
    public static partial void OutOfMemory(ILogger logger, string callId, string fnId, int memoryMiB);

    [LoggerMessage(2010, LogLevel.Warning, "The container engine does not answer: container starts back off ({BackoffMs:F0} ms, doubling up to {MaxMs:F0} ms between tries) and calls that need a container get 503 until it answers")]
    public static partial void EngineUnavailable(ILogger logger, Exception exception, double backoffMs, double maxMs);

    [LoggerMessage(2011, LogLevel.Information, "The container engine answers again after {OutageMs:F0} ms; container starts resume")]
    public static partial void EngineAnswers(ILogger logger, double outageMs);

    [LoggerMessage(2012, LogLevel.Warning, "Could not remove container {ContainerId}; it is tried again, first in {RetryMs:F0} ms, until it is removed")]
    public static partial void RemoveFailed(ILogger logger, Exception exception, string containerId, double retryMs);

    [LoggerMessage(2018, LogLevel.Warning, "Could not remove container {ContainerId} while the runner stops; it is tried once more before the runner stops, and named in the runner's last line if it is still there")]
    public static partial void RemoveFailedStopping(ILogger logger, Exception exception, string containerId);

    [LoggerMessage(2013, LogLevel.Information, "Removed container {ContainerId}, whose removal had failed")]
    public static partial void RemovedAfterFailure(ILogger logger, string containerId);

    [LoggerMessage(2014, LogLevel.Warning, "Runner stopped; removed {Count} container(s), but {Left} could not be removed (the engine does not answer) and stay on it until the next start removes them by label: {ContainerIds}")]
    public static partial void StoppedWithLeftovers(ILogger logger, long count, int left, string containerIds);

    [LoggerMessage(2015, LogLevel.Warning, "Removed {Count} container(s) of this node that the engine created while its answer never reached the server (the engine was down or did not answer in time)")]
    public static partial void OrphansRemoved(ILogger logger, int count);

    [LoggerMessage(2016, LogLevel.Warning, "Runner stopped; removed {Count} container(s), but the engine did not answer when asked for this node's other containers: any it created without answering stay on it until the next start removes them by label")]
    public static partial void StoppedUnswept(ILogger logger, long count);

    [LoggerMessage(2048, LogLevel.Warning, "Container {ContainerId} of fn {FnId}, kept hot by fnsharp.io/min-hot, exited while idle; it is replaced")]
    public static partial void HotContainerDied(ILogger logger, string containerId, string fnId);

    [LoggerMessage(2049, LogLevel.Information, "Keeping {Count} container(s) of fn {FnId} hot (fnsharp.io/min-hot)")]
    public static partial void KeepingHot(ILogger logger, int count, string fnId);

    [LoggerMessage(2030, LogLevel.Information, "Fn {FnId} held at {HeldAt} containers for {HoldSeconds:F0} s: {Containers} containers completed {Rate:F1} calls/s against {BeforeRate:F1} on {BeforeContainers} (the node's CPUs {NodeBusyPercent} busy); its calls queue")]
    public static partial void HeldByThroughput(ILogger logger, string fnId, int heldAt, double holdSeconds, int containers, double rate, int beforeContainers, double beforeRate, string nodeBusyPercent);

    [LoggerMessage(2031, LogLevel.Debug, "Starting {Count} container(s) for fn {FnId}: {Waiting} calls waiting, {Busy} busy, {Starting} starting; call {CallMs:F1} ms (oldest running {OldestMs:F0} ms), start {StartMs:F0} ms; CPU share {CpuShare} (peak {PeakShare}), node CPUs {NodeBusyPercent} busy; throughput feedback allows {Allowed}")]
    public static partial void LaunchDecided(ILogger logger, int count, string fnId, int waiting, int busy, int starting, double callMs, double oldestMs, double startMs, string cpuShare, string peakShare, string nodeBusyPercent, string allowed);

    [LoggerMessage(2020, LogLevel.Information, "Runner ready: {TotalMemoryMiB} MiB for containers, {MilliCpus} milli-CPUs, at most {MaxOps} container operations at once")]
    public static partial void Ready(ILogger logger, long totalMemoryMiB, long milliCpus, int maxOps);

    [LoggerMessage(2021, LogLevel.Information, "Evicted idle container {ContainerId} of fn {FnId} to make room for fn {ForFnId}")]
    public static partial void Evicted(ILogger logger, string containerId, string fnId, string forFnId);

    [LoggerMessage(2022, LogLevel.Warning, "Could not remove container {ContainerId}")]
    public static partial void RemoveFailed(ILogger logger, Exception exception, string containerId);

    [LoggerMessage(2023, LogLevel.Information, "Runner stopping: {Running} call(s) running, {Containers} container(s)")]
    public static partial void Stopping(ILogger logger, int running, int containers);

    [LoggerMessage(2024, LogLevel.Warning, "Shutdown grace period over with {Running} call(s) still running; their containers are killed")]
    public static partial void GraceOver(ILogger logger, int running);

    [LoggerMessage(2025, LogLevel.Information, "Runner stopped; removed {Count} container(s), none of this node's left on the engine")]
    public static partial void Stopped(ILogger logger, long count);

    [LoggerMessage(2026, LogLevel.Information, "Runner stopped; removed {Count} container(s); the node's containers on the engine are the other server's under its name, and stay")]
    public static partial void StoppedNotOwner(ILogger logger, long count);

    [LoggerMessage(2040, LogLevel.Warning, "Call {CallId} of fn {FnId} refused, too busy: no container within FN_MAX_WAIT_MSECS={MaxWaitMs} ms or the call's deadline")]
    public static partial void RefusedWaitTime(ILogger logger, string callId, string fnId, int maxWaitMs);

    [LoggerMessage(2041, LogLevel.Warning, "Call {CallId} of fn {FnId} refused, too busy: the fn already has FN_MAX_QUEUED_PER_FN={MaxQueued} calls waiting")]
    public static partial void RefusedFnQueue(ILogger logger, string callId, string fnId, int maxQueued);

    [LoggerMessage(2042, LogLevel.Warning, "Call {CallId} of fn {FnId} refused, too busy: the node already has FN_MAX_QUEUED_TOTAL={MaxQueued} calls waiting")]
    public static partial void RefusedTotalQueue(ILogger logger, string callId, string fnId, int maxQueued);

    [LoggerMessage(2043, LogLevel.Warning, "Call {CallId} of fn {FnId} refused, too busy: the runner is shutting down")]
    public static partial void RefusedShuttingDown(ILogger logger, string callId, string fnId);

    [LoggerMessage(2045, LogLevel.Warning, "Call {CallId} of fn {FnId} refused, too busy: the fn has no container and the node's start backlog would start one in about {ReadyInSeconds:F0} s, later than its wait (FN_MAX_WAIT_MSECS={MaxWaitMs} ms or the call's deadline); the container is started anyway")]
    public static partial void RefusedStartBacklog(ILogger logger, string callId, string fnId, double readyInSeconds, int maxWaitMs);

    [LoggerMessage(2046, LogLevel.Warning, "Call {CallId} of fn {FnId} refused, too busy: no memory for a container of {MemoryMiB} MiB within its wait; the node's {TotalMiB} MiB are held by busy containers")]
    public static partial void RefusedMemory(ILogger logger, string callId, string fnId, long memoryMiB, long totalMiB);

    [LoggerMessage(2047, LogLevel.Warning, "Call {CallId} of fn {FnId} refused, too busy: the fn ran {MaxConcurrency} calls at once (fnsharp.io/max-concurrency) for the call's whole wait")]
    public static partial void RefusedConcurrencyCap(ILogger logger, string callId, string fnId, int maxConcurrency);

    [LoggerMessage(2044, LogLevel.Warning, "Call {CallId} of fn {FnId} refused, cannot allocate: it asks {MemoryMiB} MiB and containers may have {TotalMiB} MiB in total")]
    public static partial void CannotAllocate(ILogger logger, string callId, string fnId, long memoryMiB, long totalMiB);

    // 2090-2091: a fn removed or its configuration replaced.
    [LoggerMessage(2090, LogLevel.Information, "Fn {FnId} was removed: removing its {Idle} idle container(s) now, its {Busy} busy one(s) as their calls end and those of its {Starting} start(s) under way as they end; {Refused} waiting call(s) refused (404)")]
    public static partial void FnRemoved(ILogger logger, string fnId, int idle, int busy, int starting, int refused);

    [LoggerMessage(2091, LogLevel.Debug, "A configuration of fn {FnId} was replaced: removing its {Idle} idle container(s) now and its {Busy} busy one(s) as their calls end")]
    public static partial void ConfigurationReplaced(ILogger logger, string fnId, int idle, int busy);

    // 2080-2089: containers created ahead of demand (issue 17).
    [LoggerMessage(2080, LogLevel.Debug, "Created container {ContainerId} ahead of demand for fn {FnId}: its next cold start only starts it")]
    public static partial void PreCreated(ILogger logger, string containerId, string fnId);

    [LoggerMessage(2081, LogLevel.Warning, "Could not create a container ahead of demand for fn {FnId}; its next call creates one")]
    public static partial void PreCreateFailed(ILogger logger, Exception exception, string fnId);

    [LoggerMessage(2082, LogLevel.Debug, "Removing the container created ahead for fn {FnId}: no call took it within FN_PRECREATE_IDLE_MSECS={IdleMs} ms")]
    public static partial void PreCreatedExpired(ILogger logger, string fnId, int idleMs);

    [LoggerMessage(2083, LogLevel.Warning, "Could not remove container {ContainerId}, created ahead for fn {FnId}; it is tried again when the runner stops, and the node's clean-up by label removes it at its next start if that fails too")]
    public static partial void PreCreatedRemovalFailed(ILogger logger, Exception exception, string containerId, string fnId);
}
