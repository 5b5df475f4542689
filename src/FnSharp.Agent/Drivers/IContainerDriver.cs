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

    /// <summary>
    /// Removes this node's containers on the engine (found by label) that no container this driver handed out
    /// stands for: those whose creation the engine did without its answer reaching the driver (it went away
    /// meanwhile). Never the containers handed out, even when their removal failed: their owner tries it again.
    /// </summary>
    /// <returns>How many containers were removed.</returns>
    /// <exception cref="HttpRequestException">The engine does not answer (or another error of the driver's engine client).</exception>
    Task<int> RemoveOrphansAsync(CancellationToken cancellationToken);

    /// <summary>
    /// At the server's stop, after the runner removed its containers: removes whatever of this node's containers is left
    /// (orphans, containers created and never started) with what they hold on the host, once; later calls await the
    /// same removal, and the driver's disposal removes nothing more. Never throws for an engine that does not answer
    /// (the driver logs it). Not cancelled: a removal cut half way would leave what it was removing. The stop awaits it,
    /// so that nothing of the driver works on the node's containers or state once the stop returned; a host disposes
    /// its services after the stop, and a second caller of that disposal (a test host's, beside the server's own) returns
    /// before the first has ended it.
    /// </summary>
    Task RemoveAllAsync();

    /// <summary>
    /// Whether this server owns its node's containers on the engine: false when another server runs under the node's name on
    /// this host and this one was refused at start-up, so the containers by the node's label are the other's and none is removed.
    /// </summary>
    bool OwnsNodeContainers => true;
}
