namespace FnSharp.Agent.Calls;

/// <summary>
/// Where and when a call ran: set on a <see cref="CallResult"/> once the call reached a container
/// (absent for calls refused or failed before one was assigned). Call records and per-call logs
/// are built from it.
/// </summary>
public sealed class CallExecution
{
    private readonly IFnContainer _container;
    private readonly string _callId;

    /// <summary>Creates the execution of call <paramref name="callId"/> on <paramref name="container"/>, assigned at <paramref name="startedAt"/>.</summary>
    public CallExecution(IFnContainer container, string callId, DateTimeOffset startedAt)
    {
        ArgumentNullException.ThrowIfNull(container);
        _container = container;
        _callId = callId;
        StartedAt = startedAt;
    }

    /// <summary>The engine's id of the container the call ran in.</summary>
    public string ContainerId => _container.Id;

    /// <summary>The digest of the image the call ran (see <see cref="IFnContainer.ImageDigest"/>), or <see langword="null"/>.</summary>
    public string? ImageDigest => _container.ImageDigest;

    /// <summary>When a container was assigned to the call (UTC); the fn's timeout counts from here.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>How the call had its container.</summary>
    public StartKind StartKind { get; init; } = StartKind.Warm;

    /// <summary>The phases of its container's start, for a <see cref="StartKind.Cold"/> or <see cref="StartKind.Prewarmed"/> call; <see langword="null"/> otherwise.</summary>
    public ContainerStartPhases? StartPhases { get; init; }

    /// <summary>
    /// Removes and returns the lines the container wrote during the call (see
    /// <see cref="IFnContainer.TakeCallLogs"/>): output is captured asynchronously, so a caller that
    /// takes them a little after the call ended gets the last lines too. Safe after the container's removal.
    /// </summary>
    public IReadOnlyList<ContainerLogLine> TakeLogs() => _container.TakeCallLogs(_callId);
}
