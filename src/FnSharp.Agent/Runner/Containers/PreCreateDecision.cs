namespace FnSharp.Agent.Runner.Containers;

/// <summary>Whether a container is created ahead of demand for a fn now (<see cref="PreCreateRules.Decide"/>), or why not.</summary>
internal enum PreCreateDecision
{
    /// <summary>One is created now.</summary>
    Create,

    /// <summary>Creating ahead is off (<c>FN_PRECREATE_MAX=0</c>) or the runner stops.</summary>
    Off,

    /// <summary>The fn already has one for this configuration (created or being created).</summary>
    AlreadyHeld,

    /// <summary>The fn or its app was removed, or this configuration was replaced: its queue's last container idling out must not bring one back.</summary>
    Retired,

    /// <summary>The fn keeps containers hot (<c>fnsharp.io/min-hot</c>): they serve its calls already.</summary>
    KeptHot,

    /// <summary>The fn pulls its image before each start (<c>fnsharp.io/pull-policy: always</c>): a container made ahead would skip the pull.</summary>
    PullAlways,

    /// <summary>The node holds <c>FN_PRECREATE_MAX</c> of them already.</summary>
    AtLimit,

    /// <summary>The node's free memory could not start it beside the others held.</summary>
    NoMemory,
}
