using System.Collections.Concurrent;
using FnSharp.Agent.Drivers;

namespace FnSharp.Testing.Fakes;

/// <summary>The fake's exit and call logs: set by the test, since an in-process server neither crashes nor writes output.</summary>
public sealed partial class FakeContainer
{
    private readonly TaskCompletionSource<ContainerExit> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ContainerLogLine>> _callLogs = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public Task<ContainerExit> WaitForExitAsync(CancellationToken cancellationToken) => _exit.Task.WaitAsync(cancellationToken);

    /// <inheritdoc/>
    public IReadOnlyList<ContainerLogLine> TakeCallLogs(string callId) =>
        _callLogs.TryRemove(callId, out var lines) ? [.. lines] : [];

    /// <summary>Makes the container "exit" with <paramref name="exit"/> (an OOM kill, a crash); the first exit wins. Removal exits with 137.</summary>
    public void Exit(ContainerExit exit) => _exit.TrySetResult(exit);

    /// <summary>Adds a line as if the container had written it during the call <paramref name="callId"/>.</summary>
    public void AddCallLog(string callId, ContainerLogLine line) =>
        _callLogs.GetOrAdd(callId, static _ => new ConcurrentQueue<ContainerLogLine>()).Enqueue(line);
}
