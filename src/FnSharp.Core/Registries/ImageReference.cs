namespace FnSharp.Core.Registries;

/// <summary>
/// An image name split as Docker splits it (<c>distribution/reference</c>'s normalized names):
/// <c>[REGISTRY/]PATH[:TAG][@DIGEST]</c>, where the first part of the path is the registry when it has a
/// <c>.</c> or a <c>:</c> or is <c>localhost</c>, and otherwise the registry is Docker Hub
/// (<see cref="DockerHub"/>, whose one-part names live under <c>library/</c>).
/// </summary>
public sealed record ImageReference
{
    /// <summary>Docker Hub's registry name, as references name it.</summary>
    public const string DockerHub = "docker.io";

    /// <summary>The key of Docker Hub's entry in a Docker config file's <c>auths</c>, as <c>docker login</c> writes it.</summary>
    public const string DockerHubAuthKey = "https://index.docker.io/v1/";

    private ImageReference(string registry, string path, string? tag, string? digest)
    {
        Registry = registry;
        Path = path;
        Tag = tag;
        Digest = digest;
    }

    /// <summary>The registry's host and port, for example <c>registry.example:5000</c>, or <see cref="DockerHub"/>.</summary>
    public string Registry { get; }

    /// <summary>The repository path within the registry, for example <c>team/hello</c> (Docker Hub's one-part names as <c>library/NAME</c>).</summary>
    public string Path { get; }

    /// <summary>The tag, or <see langword="null"/> when the name has none (Docker then means <c>latest</c>, unless a digest is given).</summary>
    public string? Tag { get; }

    /// <summary>The digest (<c>sha256:...</c>), or <see langword="null"/>.</summary>
    public string? Digest { get; }

    /// <summary>Whether the registry is on this host's loopback (<c>localhost</c>, <c>127.0.0.0/8</c>, <c>[::1]</c>), which the Docker engine reaches over plain HTTP without settings.</summary>
    public bool IsLoopbackRegistry
    {
        get
        {
            var host = HostOf(Registry);
            return host == "localhost" || host == "::1" || host.StartsWith("127.", StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// The name as Docker shows it in an image's <c>RepoTags</c> (its "familiar" form): Docker Hub's registry
    /// and <c>library/</c> left out, <c>:latest</c> when no tag or digest is given; for example
    /// <c>hello:latest</c>, <c>team/hello:0.0.2</c>, <c>127.0.0.1:5000/team/hello:0.0.2</c>.
    /// </summary>
    public string Familiar
    {
        get
        {
            var path = Registry == DockerHub
                ? (Path.StartsWith("library/", StringComparison.Ordinal) && Path.IndexOf('/', 8) < 0 ? Path[8..] : Path)
                : Registry + "/" + Path;
            return path + (Tag is not null ? ":" + Tag : Digest is null ? ":latest" : "") + (Digest is not null ? "@" + Digest : "");
        }
    }

    /// <summary>
    /// Splits <paramref name="image"/>. Returns <see langword="null"/> for text that is not an image name (empty,
    /// spaces, an empty path part); the check is loose otherwise: the engine has the last word on a name.
    /// </summary>
    public static ImageReference? TryParse(string? image)
    {
        if (string.IsNullOrEmpty(image) || image.Any(char.IsWhiteSpace))
        {
            return null;
        }

        string? digest = null;
        var at = image.IndexOf('@', StringComparison.Ordinal);
        var name = image;
        if (at >= 0)
        {
            digest = image[(at + 1)..];
            name = image[..at];
            if (digest.Length == 0)
            {
                return null;
            }
        }

        string? tag = null;
        var colon = name.LastIndexOf(':');
        if (colon > name.LastIndexOf('/'))
        {
            tag = name[(colon + 1)..];
            name = name[..colon];
            if (tag.Length == 0)
            {
                return null;
            }
        }

        var slash = name.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? "" : name[..slash];
        var hasRegistry = slash > 0 && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost");
        var registry = hasRegistry ? first : DockerHub;
        var path = hasRegistry ? name[(slash + 1)..] : name;
        if (registry is "index.docker.io" or "registry-1.docker.io")
        {
            registry = DockerHub;
        }

        if (registry == DockerHub && !path.Contains('/', StringComparison.Ordinal))
        {
            path = "library/" + path;
        }

        return path.Length == 0 || path.Split('/').Any(p => p.Length == 0) ? null : new ImageReference(registry, path, tag, digest);
    }

    /// <summary>Splits <paramref name="image"/>.</summary>
    /// <exception cref="ArgumentException">It is not an image name (see <see cref="TryParse"/>).</exception>
    public static ImageReference Parse(string image) =>
        TryParse(image) ?? throw new ArgumentException($"'{image}' is not an image name such as registry.example:5000/team/hello:0.0.2", nameof(image));

    /// <summary>
    /// The registry part of a server address as Docker config files key them: <c>https://host:5000/v1/</c>,
    /// <c>http://host:5000</c> and <c>host:5000</c> all give <c>host:5000</c> (Docker's <c>ConvertToHostname</c>);
    /// Docker Hub's addresses give <see cref="DockerHub"/>.
    /// </summary>
    public static string RegistryOfAddress(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var host = address;
        var scheme = host.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            host = host[(scheme + 3)..];
        }

        var slash = host.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            host = host[..slash];
        }

        return host is "index.docker.io" or "registry-1.docker.io" or DockerHub ? DockerHub : host;
    }

    /// <inheritdoc/>
    public override string ToString() => Familiar;

    private static string HostOf(string registry)
    {
        if (registry.StartsWith('['))
        {
            var end = registry.IndexOf(']', StringComparison.Ordinal);
            return end > 0 ? registry[1..end] : registry;
        }

        var colon = registry.LastIndexOf(':');
        return colon > 0 ? registry[..colon] : registry;
    }
}
