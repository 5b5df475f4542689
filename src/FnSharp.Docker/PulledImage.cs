namespace FnSharp.Docker;

/// <summary>An image this node pulled.</summary>
/// <param name="Id">The engine's image id (<c>sha256:...</c>).</param>
/// <param name="Name">The name it was pulled by, as the fn gives it.</param>
/// <param name="LastUsed">When it was pulled or a container was last made of it (UTC).</param>
internal sealed record PulledImage(string Id, string Name, DateTimeOffset LastUsed);
