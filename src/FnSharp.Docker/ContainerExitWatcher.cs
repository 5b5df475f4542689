namespace FnSharp.Docker;

/// <summary>
/// Notices a started container's exit at once (the Engine API's <c>wait</c>, a long poll), then reads
/// whether the kernel OOM-killed it (<c>State.OOMKilled</c>) and its last stderr lines.
/// </summary>
internal static class ContainerExitWatcher
{
    /// <summary>The exit code reported when the engine could not tell it (the container vanished or the driver stopped).</summary>
    public const long UnknownExitCode = -1;

    // Output written just before the exit may still be in flight when wait returns.
    private static readonly TimeSpan LogDrain = TimeSpan.FromSeconds(5);

    /// <summary>Completes when the container <paramref name="containerId"/> has exited; never faults.</summary>
    public static async Task<ContainerExit> WatchAsync(DockerEngineClient engine, string containerId, ContainerLogs logs, TimeProvider time, CancellationToken cancellationToken)
    {
        var exitCode = UnknownExitCode;
        var oomKilled = false;
        var engineLost = false;
        try
        {
            var waited = await engine.WaitContainerAsync(containerId, cancellationToken);
            exitCode = waited.StatusCode;
            var inspected = await engine.InspectContainerAsync(containerId, cancellationToken);
            if (inspected.State is { } state)
            {
                oomKilled = state.OOMKilled;
                exitCode = state.ExitCode;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or DockerApiException or HttpRequestException or ObjectDisposedException)
        {
            // Removed, or the driver stopped: what is known so far is the answer. A broken connection while nobody
            // stopped the watch is the engine going away (it stopped or restarted): the container's fate is unknown.
            engineLost = e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested;
        }

        try
        {
            await logs.Completion.WaitAsync(LogDrain, time, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // The tail holds what arrived.
        }

        return new ContainerExit { ExitCode = exitCode, OomKilled = oomKilled, StderrTail = logs.Buffer.StderrTail(), EngineLost = engineLost };
    }
}
