using FnSharp.Core.Errors;

namespace FnSharp.Agent.Calls;

/// <summary>The errors a call can end with, with Fn's messages (<c>fn-compat.md</c> section 3).</summary>
public static class CallErrors
{
    /// <summary>502: the FDK answered 502.</summary>
    public static readonly ApiError FunctionFailed = new(502, "function failed");

    /// <summary>502: the FDK answered a status the contract does not allow.</summary>
    public static readonly ApiError InvalidResponse = new(502, "invalid function response");

    /// <summary>502: the connection broke or the reply was unreadable.</summary>
    public static readonly ApiError ReceiveFailed = new(502, "error receiving function response");

    /// <summary>
    /// 502: the connection broke because the container exited during the call with <paramref name="exitCode"/> (its own
    /// exit: a crash, the process returning), said after Fn's message, which stays its start so that clients matching on
    /// it still do; Fn's message alone when the exit is not known.
    /// </summary>
    public static ApiError ReceiveFailedExited(long? exitCode) =>
        exitCode is not { } code ? ReceiveFailed : ReceiveFailed with { Message = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{ReceiveFailed.Message}: the container exited with code {code}") };

    /// <summary>504: the call exceeded the fn's timeout.</summary>
    public static readonly ApiError TimedOut = new(504, "Timed out");

    /// <summary>504: the container did not create its socket in time.</summary>
    public static readonly ApiError ContainerInitTimedOut = new(504, "Container initialization timed out, please ensure you are using the latest fdk and check the logs");

    /// <summary>502: the container exited or failed its socket check.</summary>
    public static readonly ApiError ContainerInitFailed = new(502, "Container failed to initialize, please ensure you are using the latest fdk and check the logs");

    /// <summary>
    /// 502: the container exited or failed its socket check, with the <paramref name="reason"/> the driver gave
    /// (the rule of the http-stream contract it broke, its exit code) after Fn's message, which stays its start;
    /// Fn's message alone when there is none.
    /// </summary>
    public static ApiError ContainerInitFailedBecause(string? reason) =>
        reason is null ? ContainerInitFailed : ContainerInitFailed with { Message = ContainerInitFailed.Message + ": " + reason };

    /// <summary>502: the kernel killed the container for exceeding its memory (Fn reported this as <see cref="ReceiveFailed"/>).</summary>
    public static readonly ApiError OutOfMemory = new(502, "function failed: it ran out of memory (raise the fn's memory)");

    /// <summary>503: no capacity within the wait limit; answered with <c>Retry-After</c>.</summary>
    public static readonly ApiError TooBusy = new(503, "Timed out - server too busy");

    /// <summary>503: the container engine does not answer (down or restarting); answered with <c>Retry-After</c>.</summary>
    public static readonly ApiError EngineUnavailable = new(503, "container engine unavailable: the engine that runs this server's containers does not answer, so no container could start for this call (not a fault of the function or its FDK); retry shortly");

    /// <summary>The start of the 500 for a start that failed on the node's side (<see cref="NodeFault"/>).</summary>
    public const string NodeFaultPrefix = "node fault: this server could not prepare a container for the call";

    /// <summary>
    /// 500: the node could not prepare what a container needs on its side (its socket directory), with the
    /// <paramref name="reason"/> the driver gave (it names the directory and what to set), and whose fault it is not.
    /// </summary>
    public static ApiError NodeFault(string? reason) => new(
        500,
        (reason is null ? NodeFaultPrefix : NodeFaultPrefix + ": " + reason) + " (not a fault of the function or its FDK: the server's operator must fix the node)");

    /// <summary>
    /// 404: the fn <paramref name="fnId"/> was removed (or its app) before the call had a container: the message of a fn not
    /// found (Fn's <c>Fn not found</c>), and when.
    /// </summary>
    public static ApiError FnRemoved(string fnId) => new(404, $"Fn not found: fn {fnId} was deleted before this call got a container");

    /// <summary>The start of the 400 for a fn bigger than the node (Fn's message, which said no more).</summary>
    public const string CannotAllocatePrefix = "Requested CPU/Memory cannot be allocated";

    /// <summary>
    /// 400: the fn's memory exceeds what the node can ever give one container: Fn's message with the amounts
    /// and what bounds them (Fn gave none, and users asked, as in openwhisk#4526).
    /// </summary>
    /// <param name="memoryMiB">What the fn asks, in MiB.</param>
    /// <param name="totalMiB">The most containers may reserve (the async share for a detached call), in MiB.</param>
    /// <param name="detached">Whether the call is detached, bounded by the async share.</param>
    /// <param name="bound">
    /// What bounds the memory of the node's containers, in words (<see cref="Resources.HostResources.MemoryBound"/>): the
    /// setting <c>FN_MAX_TOTAL_MEMORY_BYTES</c> when its cap is the limit, else the host's limit less <c>FN_MEMORY_HEADROOM_MIB</c>.
    /// </param>
    public static ApiError CannotAllocate(long memoryMiB, long totalMiB, bool detached, string bound) => new(
        400,
        detached
            ? $"{CannotAllocatePrefix}: the fn asks {memoryMiB} MiB and detached calls on this node may use {totalMiB} MiB in all (FN_ASYNC_MEMORY_SHARE of what its containers may use, bounded by {bound}); lower the fn's memory"
            : $"{CannotAllocatePrefix}: the fn asks {memoryMiB} MiB and containers on this node may use {totalMiB} MiB in all (bounded by {bound}); lower the fn's memory");

    /// <summary>502: the image is not on the host and could not be pulled.</summary>
    /// <param name="image">The image reference.</param>
    /// <param name="detail">The driver's account (it names the image and the registry's answer), or <see langword="null"/> for the generic text.</param>
    public static ApiError ImageNotFound(string image, string? detail = null) =>
        new(502, detail ?? $"Failed to pull image '{image}': it is not on this host and no registry could provide it");

    /// <summary>502: the image's registry refused the pull (no credentials, or wrong ones); the message names the registry and what to set.</summary>
    /// <param name="image">The image reference.</param>
    /// <param name="detail">The driver's account, or <see langword="null"/> for the generic text.</param>
    public static ApiError ImageUnauthorized(string image, string? detail = null) =>
        new(502, detail ?? $"Failed to pull image '{image}': its registry refused this node's credentials (set FN_REGISTRY_USERNAME and FN_REGISTRY_PASSWORD, or docker login on the node)");

    /// <summary>504: pulling the image did not finish within <c>FN_IMAGE_PULL_TIMEOUT_SECS</c>.</summary>
    /// <param name="image">The image reference.</param>
    /// <param name="detail">The driver's account, or <see langword="null"/> for the generic text.</param>
    public static ApiError ImagePullTimedOut(string image, string? detail = null) =>
        new(504, detail ?? $"Timed out pulling image '{image}' (FN_IMAGE_PULL_TIMEOUT_SECS)");

    /// <summary>502: the image may not run as a fn (it declares a <c>VOLUME</c>).</summary>
    /// <param name="image">The image reference.</param>
    /// <param name="detail">The driver's account, or <see langword="null"/> for the generic text.</param>
    public static ApiError ImageRefused(string image, string? detail = null) =>
        new(502, detail ?? $"Image '{image}' cannot run as a fn");
}
