using System.Diagnostics.CodeAnalysis;

namespace FnSharp.Core.Engine;

/// <summary>
/// The address of a Docker Engine API, as the CLI reads it from <c>DOCKER_HOST</c> and the server from
/// <c>FN_DOCKER_HOST</c>: <c>unix:///path/to/docker.sock</c>, <c>tcp://host:port</c> (as Docker's own
/// clients take it), or <c>http://</c> and <c>https://</c>. One parser, so that both accept the same addresses.
/// </summary>
public static class DockerEngineAddress
{
    /// <summary>The address when none is set: the engine's own socket.</summary>
    public const string Default = "unix:///var/run/docker.sock";

    /// <summary>What a good address is, as messages say it after "is not".</summary>
    public const string Expected = "a Docker engine address such as " + Default + " or tcp://127.0.0.1:2375";

    /// <summary>Reads <paramref name="text"/>; an empty one is <see cref="Default"/>.</summary>
    /// <param name="text">The address, for example <c>unix:///var/run/docker.sock</c>.</param>
    /// <param name="address">The address as a URI, when it is one.</param>
    /// <returns>
    /// Whether <paramref name="text"/> is an absolute URI of the <c>unix</c> scheme with a socket path, or of
    /// <c>tcp</c>, <c>http</c> or <c>https</c> with a host.
    /// </returns>
    public static bool TryParse(string? text, [NotNullWhen(true)] out Uri? address)
    {
        var given = string.IsNullOrWhiteSpace(text) ? Default : text.Trim();
        address = Uri.TryCreate(given, UriKind.Absolute, out var uri) && uri.Scheme switch
        {
            "unix" => uri.AbsolutePath.Length > 1,
            "tcp" or "http" or "https" => uri.Host.Length > 0,
            _ => false,
        }
            ? uri
            : null;
        return address is not null;
    }
}
