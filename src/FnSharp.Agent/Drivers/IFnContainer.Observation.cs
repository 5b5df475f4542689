namespace FnSharp.Agent.Drivers;

/// <summary>
/// What a container's owner can observe of it once started: its exit (with the OOM kill told apart)
/// and its output, attributed to calls by the FDK's log frame markers (<c>fn-compat.md</c> section 4).
/// </summary>
public partial interface IFnContainer
{
    /// <summary>
    /// The container's one exit result: completes as soon as the started container exits, for whatever
    /// reason (crash, OOM kill, removal), with its exit code, whether the kernel killed it for exceeding
    /// its memory limit, and its last stderr lines; complete at the latest when <see cref="RemoveAsync"/>
    /// returns. Never completes for a container that was never started.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting; the container is not affected.</param>
    Task<ContainerExit> WaitForExitAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Removes and returns the output lines the container wrote during the call <paramref name="callId"/>
    /// (from the FDK's frame marker of that call to the marker of the next one), stdout and stderr
    /// interleaved in arrival order. Bounded: a driver keeps a limited number of lines per call and of
    /// calls per container, and output is captured asynchronously, so lines written just before the
    /// answer may arrive after it. Empty when the FDK writes no markers.
    /// </summary>
    IReadOnlyList<ContainerLogLine> TakeCallLogs(string callId);
}
