using System.Globalization;
using System.Net.Sockets;

namespace FnSharp.Docker;

/// <summary>
/// Waits until a started container's FDK has created <c>lsnr.sock</c> in its socket directory
/// (<c>fn-compat.md</c> section 4): the process's one inotify instance (<see cref="InotifyWatcher"/>)
/// signals new names, a poll every 100 ms only catches what it missed (a socket bound before it
/// listens); the container's exit ends the wait at once. When the host has no inotify instance or
/// watch to spare, the wait polls alone, at 5 ms and then twice as long each time up to 100 ms.
/// </summary>
internal static class SocketReadiness
{
    /// <summary>The name the platform waits for.</summary>
    public const string SocketName = "lsnr.sock";

    private const int StderrLinesInMessage = 5;

    // Only a fallback: inotify normally wakes the wait as soon as the link appears.
    private static readonly TimeSpan FallbackPoll = TimeSpan.FromMilliseconds(100);

    // Without inotify, polls start this soon after the start and back off to FallbackPoll.
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(5);

    /// <summary>Returns once <c>lsnr.sock</c> passes the checks and accepts connections.</summary>
    /// <exception cref="ContainerStartException">
    /// <see cref="ContainerStartError.InitFailed"/> when the socket fails the checks or the container exits,
    /// <see cref="ContainerStartError.OutOfMemory"/> when it was OOM-killed, and
    /// <see cref="ContainerStartError.InitTimedOut"/> after <paramref name="timeout"/>.
    /// </exception>
    public static Task WaitAsync(string containerId, string directory, Task<ContainerExit> exited, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken) =>
        WaitAsync(containerId, directory, exited, timeout, InotifyWatcher.Shared(time), time, cancellationToken);

    /// <summary>
    /// <see cref="WaitAsync(string, string, Task{ContainerExit}, TimeSpan, TimeProvider, CancellationToken)"/>
    /// with the given <paramref name="watcher"/>, or by polling alone when it is <see langword="null"/>.
    /// </summary>
    internal static async Task WaitAsync(string containerId, string directory, Task<ContainerExit> exited, TimeSpan timeout, InotifyWatcher? watcher, TimeProvider time, CancellationToken cancellationToken)
    {
        var socketPath = Path.Combine(directory, SocketName);
        using var timeoutSource = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watch = watcher?.TryWatch(directory, () => Volatile.Read(ref signal).TrySetResult());
        var poll = watch is null ? FirstPoll : FallbackPoll;
        try
        {
            while (true)
            {
                // A fresh signal before each check: an event after the check wakes the wait below.
                var current = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref signal, current);
                if (exited.IsCompleted)
                {
                    throw ExitedError(containerId, await exited);
                }

                var (state, reason) = await CheckAsync(socketPath, linked.Token);
                if (state == SocketState.Ready)
                {
                    return;
                }

                if (state == SocketState.Invalid)
                {
                    throw new ContainerStartException(ContainerStartError.InitFailed, $"container {containerId} created an invalid {SocketName}: {reason}") { Reason = reason };
                }

                await Task.WhenAny(current.Task, Task.Delay(poll, time, linked.Token), exited);
                linked.Token.ThrowIfCancellationRequested();
                poll = TimeSpan.FromTicks(Math.Min(poll.Ticks * 2, FallbackPoll.Ticks));
            }
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ContainerStartException(ContainerStartError.InitTimedOut, string.Create(CultureInfo.InvariantCulture, $"container {containerId} did not create {SocketName} within {timeout.TotalMilliseconds:F0} ms"));
        }
        finally
        {
            await linked.CancelAsync();
        }
    }

    /// <summary>The start error for a container that exited before it was ready.</summary>
    public static ContainerStartException ExitedError(string containerId, ContainerExit exit)
    {
        var tail = exit.StderrTail.Count == 0 ? string.Empty : "; last stderr: " + string.Join(" | ", exit.StderrTail.TakeLast(StderrLinesInMessage));
        if (exit.EngineLost)
        {
            // Not the container's fault: the caller gets 503 naming the engine, as for a create the engine did not answer.
            return new ContainerStartException(ContainerStartError.EngineUnavailable, $"the container engine stopped answering while container {containerId} started, before it created {SocketName}{tail}");
        }

        return exit.OomKilled
            ? new ContainerStartException(ContainerStartError.OutOfMemory, $"container {containerId} ran out of memory (OOM-killed) before it created {SocketName}{tail}")
            : new ContainerStartException(ContainerStartError.InitFailed, string.Create(CultureInfo.InvariantCulture, $"container {containerId} exited with code {exit.ExitCode} before it created {SocketName}{tail}"))
            {
                Reason = string.Create(CultureInfo.InvariantCulture, $"the container exited with code {exit.ExitCode} before it created {SocketName}"),
            };
    }

    /// <summary>
    /// Checks <c>lsnr.sock</c> as the contract asks: a unix socket, or a symbolic link whose target is a
    /// plain name in the same directory and is a unix socket (by <c>lstat</c>); then that it accepts connections.
    /// An invalid socket comes with the rule it broke, in words the function's caller may read.
    /// </summary>
    private static async Task<(SocketState State, string? Detail)> CheckAsync(string socketPath, CancellationToken cancellationToken)
    {
        switch (UnixFiles.GetKind(socketPath))
        {
            case null:
                return (SocketState.Missing, null);
            case UnixFileKind.SymbolicLink:
                var target = new FileInfo(socketPath).LinkTarget;
                if (!SocketLink.IsValidTarget(target))
                {
                    return (SocketState.Invalid, $"{SocketName} is a symbolic link to '{target}'; the http-stream contract requires a link to a file name in the same directory (such as phonylsnr.sock), not a path");
                }

                var kind = UnixFiles.GetKind(Path.Combine(Path.GetDirectoryName(socketPath)!, target!));
                if (kind != UnixFileKind.Socket)
                {
                    return (SocketState.Invalid, $"{SocketName} is a symbolic link to '{target}', which {(kind is null ? "does not exist" : "is not a unix socket")}");
                }

                break;
            case UnixFileKind.Socket:
                break;
            default:
                return (SocketState.Invalid, $"{SocketName} is not a unix socket");
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await probe.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
            return (SocketState.Ready, null);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable)
        {
            // Bound but not yet listening: keep waiting until the start timeout.
            return (SocketState.Missing, null);
        }
    }

    private enum SocketState
    {
        Missing,
        Ready,
        Invalid,
    }
}
