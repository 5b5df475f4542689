namespace FnSharp.Docker;

/// <summary>The image the container runs.</summary>
internal sealed partial class DockerContainer
{
    /// <inheritdoc/>
    public string? ImageDigest { get; init; }

    /// <inheritdoc/>
    public TimeSpan PullTime { get; init; }
}
