using FnSharp.Agent.Calls;

namespace FnSharp.Agent.Runner.Containers;

/// <summary>How a call had its container (pure): the rules behind each record's <c>start_kind</c>.</summary>
internal static class StartKinds
{
    /// <summary>
    /// The kind of a container's assignment, before any thaw: a container's first call is
    /// <see cref="StartKind.Prewarmed"/> if it was started ahead of demand, <see cref="StartKind.Cold"/> if the
    /// call waited for it to start; every other assignment (a later call, or a container that started for
    /// calls served by others and idled before this one came) is <see cref="StartKind.Warm"/>.
    /// </summary>
    public static StartKind Of(bool firstCall, bool startedAhead, bool waitedForStart) =>
        !firstCall ? StartKind.Warm
        : startedAhead ? StartKind.Prewarmed
        : waitedForStart ? StartKind.Cold
        : StartKind.Warm;

    /// <summary>A warm call whose container was paused and had to be unpaused is <see cref="StartKind.Thawed"/>; a prewarmed or cold one stays what it is.</summary>
    public static StartKind AfterThaw(StartKind kind, bool thawed) => thawed && kind == StartKind.Warm ? StartKind.Thawed : kind;
}
