namespace FnSharp.Agent.Drivers;

/// <summary>How a container ended, as the engine reports it (Docker's <c>State.ExitCode</c> and <c>State.OOMKilled</c>).</summary>
/// <param name="ExitCode">The main process's exit code.</param>
/// <param name="OomKilled">Whether the kernel killed the container for exceeding its memory limit.</param>
public sealed record ContainerExitState(long ExitCode, bool OomKilled);
