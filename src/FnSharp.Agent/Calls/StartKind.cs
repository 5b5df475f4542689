namespace FnSharp.Agent.Calls;

/// <summary>
/// How a call had its container, as its record, the metric <c>fnsharp_call_start_kinds_total</c> and the
/// dispatch span say (<c>cold</c>, <c>warm</c>, <c>thawed</c>, <c>prewarmed</c>). OpenWhisk cannot tell a
/// prewarmed start from a cold one (openwhisk#5007); FnSharp tells all four apart.
/// </summary>
public enum StartKind
{
    /// <summary>The call waited for a container started because calls were waiting.</summary>
    Cold,

    /// <summary>The call took a container that was idle, or waited for a busy one to free up.</summary>
    Warm,

    /// <summary>The call took an idle container that had been paused, and unpaused it.</summary>
    Thawed,

    /// <summary>The call is the first of a container started ahead of demand (<c>fnsharp.io/min-hot</c>, or a keep-alive policy's pre-warm).</summary>
    Prewarmed,
}
