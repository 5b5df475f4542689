namespace FnSharp.Docker;

/// <summary>An image on the host, ready for a container.</summary>
/// <param name="Image">The engine's description of it.</param>
/// <param name="PullTime">How long the caller waited for a pull of it (zero when the host had it).</param>
internal sealed record EnsuredImage(ImageInspectResponse Image, TimeSpan PullTime);
