namespace FnSharp.Agent.Runner;

/// <summary>What <c>fnsharp.io/min-hot</c> keeps for one fn: its slot queue's key, how many containers, each of how much memory (MiB).</summary>
internal sealed record KeptHot(string Key, int Count, int MemoryMiB);
