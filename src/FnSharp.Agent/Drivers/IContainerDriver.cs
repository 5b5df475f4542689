namespace FnSharp.Agent.Drivers;

/// <summary>
/// Creates the containers that serve calls (Fn's <c>drivers.Driver</c>). The Docker driver in
/// <c>FnSharp.Docker</c> is the real one; the tests use a fake that serves calls in-process.
/// </summary>
public interface IContainerDriver
{
    /// <summary>Creates (but does not start) a container for <paramref name="spec"/>.</summary>
    /// <exception cref="ContainerStartException">The image is missing or the engine refused the container.</exception>
    Task<IFnContainer> CreateAsync(ContainerSpec spec, CancellationToken cancellationToken);

    /// <summary>Removes every container an earlier run of this node left behind (found by label).</summary>
    /// <returns>How many containers were removed.</returns>
    Task<int> RemoveLeftoversAsync(CancellationToken cancellationToken);
}
