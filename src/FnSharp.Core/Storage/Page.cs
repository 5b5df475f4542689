namespace FnSharp.Core.Storage;

/// <summary>One page of a list, in name order.</summary>
/// <typeparam name="T">The resource type.</typeparam>
/// <param name="Items">The resources of this page.</param>
/// <param name="Full">Whether the page is full, so that another page may follow.</param>
public sealed record Page<T>(IReadOnlyList<T> Items, bool Full);
