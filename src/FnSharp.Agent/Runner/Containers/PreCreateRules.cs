namespace FnSharp.Agent.Runner.Containers;

/// <summary>
/// The rule of containers created ahead of demand (pure; issue 17): which fn gets one now.
/// A created container holds no memory (no process runs), but each is only made while the node's free memory
/// could start it beside the others held, so that a cold start that takes one never waits for memory the
/// pre-creation promised elsewhere. SOCK (ATC'18) and RunD (ATC'22) keep such sandboxes ready for the same reason:
/// most of a cold start is the engine's work, and the create is half of it.
/// </summary>
internal static class PreCreateRules
{
    /// <summary>Whether a fn gets a container created ahead now.</summary>
    /// <param name="max">The most held on the node (<c>FN_PRECREATE_MAX</c>); 0 turns creating ahead off.</param>
    /// <param name="held">How many the node holds now (created or being created).</param>
    /// <param name="heldMiB">The memory of the fns of those held, in MiB.</param>
    /// <param name="alreadyHeld">Whether this fn and configuration has one already.</param>
    /// <param name="retired">Whether the fn or its app was removed, or the configuration replaced.</param>
    /// <param name="minHot">The fn's <c>fnsharp.io/min-hot</c> (0 when it has none).</param>
    /// <param name="pullAlways">Whether the fn's pull policy is <c>always</c>.</param>
    /// <param name="freeMiB">The memory containers may still reserve on the node, in MiB.</param>
    /// <param name="fnMiB">The fn's memory, in MiB.</param>
    public static PreCreateDecision Decide(int max, int held, long heldMiB, bool alreadyHeld, bool retired, int minHot, bool pullAlways, long freeMiB, long fnMiB) =>
        max <= 0 ? PreCreateDecision.Off
        : retired ? PreCreateDecision.Retired
        : alreadyHeld ? PreCreateDecision.AlreadyHeld
        : minHot > 0 ? PreCreateDecision.KeptHot
        : pullAlways ? PreCreateDecision.PullAlways
        : held >= max ? PreCreateDecision.AtLimit
        : heldMiB + fnMiB > freeMiB ? PreCreateDecision.NoMemory
        : PreCreateDecision.Create;
}
