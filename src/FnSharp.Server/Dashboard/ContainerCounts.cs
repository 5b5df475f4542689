namespace FnSharp.Server.Dashboard;

/// <summary>Containers of a fn (or of the node) by state, and the calls waiting for one, at one moment.</summary>
/// <param name="Idle">Hot containers waiting for a call (paused ones included).</param>
/// <param name="Busy">Containers running a call.</param>
/// <param name="Starting">Containers being created and started.</param>
/// <param name="Paused">Idle containers that are paused now.</param>
/// <param name="Waiting">Calls waiting for a container.</param>
internal readonly record struct ContainerCounts(int Idle, int Busy, int Starting, int Paused, int Waiting)
{
    /// <summary>Both counts added.</summary>
    public ContainerCounts Add(ContainerCounts other) =>
        new(Idle + other.Idle, Busy + other.Busy, Starting + other.Starting, Paused + other.Paused, Waiting + other.Waiting);

    /// <summary>Whether there is no container and no waiting call.</summary>
    public bool IsEmpty => this == default;
}
