namespace FnSharp.Cli.Images;

/// <summary>How a registry answers its API (<see cref="RegistryProbe"/>).</summary>
internal enum RegistryTransport
{
    /// <summary>Over TLS (HTTPS), whatever its certificate.</summary>
    Https,

    /// <summary>Over plain HTTP only: images and credentials would cross the network unencrypted.</summary>
    PlainHttp,
}
