namespace FnSharp.Agent.Drivers;

/// <summary>The image a container runs: which one exactly, and what getting it cost.</summary>
public partial interface IFnContainer
{
    /// <summary>
    /// The digest of the image the container runs, so that a call record says which image ran: the registry's
    /// manifest digest (<c>sha256:...</c>) when the image came from a registry, else the engine's image id.
    /// <see langword="null"/> when the driver does not know it.
    /// </summary>
    string? ImageDigest => null;

    /// <summary>How long creating this container waited for its image to be pulled (zero when the node had it).</summary>
    TimeSpan PullTime => TimeSpan.Zero;
}
