namespace FnSharp.Agent.Drivers;

/// <summary>How a started container ended (<see cref="IFnContainer.WaitForExitAsync"/>).</summary>
public sealed record ContainerExit
{
    /// <summary>The exit code of the container's main process (137 after a SIGKILL, including an OOM kill).</summary>
    public required long ExitCode { get; init; }

    /// <summary>
    /// Whether the kernel killed the container for exceeding its memory limit (Docker's
    /// <c>State.OOMKilled</c>); the platform reports it as its own outcome, <c>out of memory</c>.
    /// </summary>
    public required bool OomKilled { get; init; }

    /// <summary>The container's last stderr lines (oldest first; a bounded number), for the logs.</summary>
    public required IReadOnlyList<string> StderrTail { get; init; }

    /// <summary>
    /// Whether the exit was not seen but assumed: the engine's connection broke while it was awaited (the engine
    /// stopped or restarted), so <see cref="ExitCode"/> is unknown and the container may still run.
    /// </summary>
    public bool EngineLost { get; init; }
}
