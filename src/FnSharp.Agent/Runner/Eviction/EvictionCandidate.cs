namespace FnSharp.Agent.Runner.Eviction;

/// <summary>What <see cref="Evictor.Choose"/> weighs of an idle container.</summary>
/// <param name="MemoryMiB">The memory its removal frees, in MiB.</param>
/// <param name="AsyncPool">Whether that memory counts against the async share.</param>
internal readonly record struct EvictionCandidate(long MemoryMiB, bool AsyncPool);
