namespace FnSharp.Agent.Drivers;

/// <summary>The CPU a container's processes used, which the launch policy weighs against the node's CPU.</summary>
public partial interface IFnContainer
{
    /// <summary>
    /// The CPU time every process of the container has used since it started (user and system, all cores
    /// together), as its cgroup counts it; <see langword="null"/> when the driver cannot tell (the default),
    /// and the runner then treats the fn as one that waits rather than computes.
    /// </summary>
    TimeSpan? ReadCpuTime() => null;
}
