using FnSharp.Agent.Drivers;

namespace FnSharp.Server.Tests.Calls;

/// <summary>A container that only has an id: for executions whose container is never asked anything.</summary>
internal sealed class NoContainer : IFnContainer
{
    public string Id => "c1";

    public string SocketPath => "/nonexistent/lsnr.sock";

    public TimeSpan ReadyWait => TimeSpan.Zero;

    public Task StartAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task PauseAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task UnpauseAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task RemoveAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<ContainerExit> WaitForExitAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public IReadOnlyList<ContainerLogLine> TakeCallLogs(string callId) => [];
}
