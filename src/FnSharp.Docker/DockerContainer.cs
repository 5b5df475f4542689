using System.Net.Sockets;
using Docker.DotNet;
using Docker.DotNet.Models;
using FnSharp.Agent.Drivers;

namespace FnSharp.Docker;

/// <summary>A fn container on the Docker engine, with its socket directory on the host.</summary>
internal sealed class DockerContainer : IFnContainer
{
    private const string SocketName = "lsnr.sock";

    // The socket is watched for with inotify; the poll only catches an event the watcher missed.
    private static readonly TimeSpan FallbackPoll = TimeSpan.FromMilliseconds(50);

    private readonly DockerDriver _driver;
    private readonly string _iofsDir;

    public DockerContainer(DockerDriver driver, string id, string iofsDir)
    {
        _driver = driver;
        Id = id;
        _iofsDir = iofsDir;
        SocketPath = Path.Combine(iofsDir, SocketName);
    }

    public string Id { get; }

    public string SocketPath { get; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromMilliseconds(_driver.Options.HotStartTimeoutMs);
        using var timeoutSource = new CancellationTokenSource(timeout, _driver.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        using var watcher = new FileSystemWatcher(_iofsDir) { NotifyFilter = NotifyFilters.FileName, EnableRaisingEvents = true };
        var changed = new SemaphoreSlim(0);
        watcher.Created += (_, _) => changed.Release();
        watcher.Renamed += (_, _) => changed.Release();

        await _driver.Client.Containers.StartContainerAsync(Id, new ContainerStartParameters(), cancellationToken);
        var exited = _driver.Client.Containers.WaitContainerAsync(Id, linked.Token);
        try
        {
            while (true)
            {
                switch (await CheckSocketAsync(linked.Token))
                {
                    case SocketState.Ready:
                        return;
                    case SocketState.Invalid:
                        throw new ContainerStartException(ContainerStartError.InitFailed, $"container {Id} created an invalid {SocketName}: it must be a socket, or a relative symlink to one in /tmp/iofs");
                }

                var signalled = changed.WaitAsync(FallbackPoll, linked.Token);
                if (await Task.WhenAny(signalled, exited) == exited && exited.IsCompletedSuccessfully)
                {
                    var exit = await exited;
                    throw new ContainerStartException(ContainerStartError.InitFailed, $"container {Id} exited with code {exit.StatusCode} before it created {SocketName}");
                }

                await signalled;
            }
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ContainerStartException(ContainerStartError.InitTimedOut, $"container {Id} did not create {SocketName} within {timeout.TotalMilliseconds:F0} ms");
        }
        finally
        {
            await linked.CancelAsync();
            await exited.ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }

    public Task PauseAsync(CancellationToken cancellationToken) =>
        _driver.Client.Containers.PauseContainerAsync(Id, cancellationToken);

    public Task UnpauseAsync(CancellationToken cancellationToken) =>
        _driver.Client.Containers.UnpauseContainerAsync(Id, cancellationToken);

    public async Task<ContainerExitState?> GetExitStateAsync(CancellationToken cancellationToken)
    {
        try
        {
            var inspected = await _driver.Client.Containers.InspectContainerAsync(Id, cancellationToken);
            return inspected.State is { Running: false } state ? new ContainerExitState(state.ExitCode, state.OOMKilled) : null;
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }
    }

    public async Task RemoveAsync(CancellationToken cancellationToken)
    {
        await _driver.RemoveContainerAsync(Id, cancellationToken);
        DockerDriver.DeleteDirectory(_iofsDir);
    }

    /// <summary>
    /// Checks <c>lsnr.sock</c> as the contract asks: when it is a symlink, its target is a plain name
    /// in the same directory; and something accepts connections on it.
    /// </summary>
    private async Task<SocketState> CheckSocketAsync(CancellationToken cancellationToken)
    {
        var info = new FileInfo(SocketPath);
        if (!info.Exists && info.LinkTarget is null)
        {
            return SocketState.Missing;
        }

        if (info.LinkTarget is { } target && (Path.IsPathRooted(target) || target.Contains('/', StringComparison.Ordinal) || target is "." or ".."))
        {
            return SocketState.Invalid;
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await probe.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), cancellationToken);
            return SocketState.Ready;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable)
        {
            // The link may exist before its target listens; keep waiting until the start timeout.
            return SocketState.Missing;
        }
    }

    private enum SocketState
    {
        Missing,
        Ready,
        Invalid,
    }
}
