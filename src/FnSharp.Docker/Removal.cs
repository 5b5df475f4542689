namespace FnSharp.Docker;

/// <summary>Which of this node's containers on the engine (found by label) the driver removes.</summary>
internal enum Removal
{
    /// <summary>Every one, left by an earlier run of the node (at start-up), each logged.</summary>
    Leftovers,

    /// <summary>Those the driver is not creating and never handed out (while it runs), each logged.</summary>
    Orphans,

    /// <summary>Every one, at shutdown, after the runner removed its own.</summary>
    All,
}
