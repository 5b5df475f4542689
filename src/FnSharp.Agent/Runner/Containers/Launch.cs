using FnSharp.Agent.Drivers;

namespace FnSharp.Agent.Runner.Containers;

/// <summary>How a launch ended: a started container, no memory for one (even after eviction), or a failed start.</summary>
/// <param name="Container">The started container, ready for calls.</param>
/// <param name="ElapsedMs">How long creating and starting it took, in ms.</param>
/// <param name="Error">Why the start failed.</param>
/// <param name="Detail">The driver's account of a failed start (it names the image, or the container and its last output), or <see langword="null"/>.</param>
/// <param name="Reason">Why a container failed to initialize, in words its caller may read (<see cref="ContainerStartException.Reason"/>), or <see langword="null"/>.</param>
internal readonly record struct Launch(HotContainer? Container, double ElapsedMs, ContainerStartError? Error, string? Detail = null, string? Reason = null)
{
    public static Launch Started(HotContainer container, double elapsedMs) => new(container, elapsedMs, null);

    public static Launch Failed(ContainerStartError error, ContainerStartException? exception) => new(null, 0, error, exception?.Message, exception?.Reason);

    /// <summary>No memory could be reserved: nothing was created.</summary>
    public static readonly Launch NoMemory = new(null, 0, null);
}
