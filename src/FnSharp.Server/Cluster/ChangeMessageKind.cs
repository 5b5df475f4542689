namespace FnSharp.Server.Cluster;

/// <summary>A message of the store's change feed, as <see cref="ChangeBarrier.Read"/> reads it.</summary>
internal enum ChangeMessageKind
{
    /// <summary>A change of a table (or any message that is neither of the others).</summary>
    Change,

    /// <summary>A node asks every node to acknowledge that it has seen its change.</summary>
    Sync,

    /// <summary>A node acknowledges a sync.</summary>
    Ack,
}
