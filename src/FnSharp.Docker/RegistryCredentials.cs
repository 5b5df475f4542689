using FnSharp.Core.Registries;

namespace FnSharp.Docker;

/// <summary>
/// Finds the credentials a pull sends to an image's registry, in this order: the node's own
/// (<see cref="DockerDriverOptions.RegistryCredential"/>: <c>FN_REGISTRY_USERNAME</c> and
/// <c>FN_REGISTRY_PASSWORD</c>, or <c>FN_REGISTRY_TOKEN</c>, for the host of <c>FN_REGISTRY_HOST</c>), then
/// Fn's <c>FN_DOCKER_AUTH</c> (a Docker config file's JSON), then the Docker config file
/// (<c>$DOCKER_CONFIG/config.json</c> or <c>~/.docker/config.json</c>, read at each pull so that a later
/// <c>docker login</c> is seen). None of them is ever logged: <see cref="RegistryCredential.ToString"/> names
/// only the user and the source.
/// </summary>
internal sealed class RegistryCredentials
{
    private readonly DockerDriverOptions _options;

    public RegistryCredentials(DockerDriverOptions options) => _options = options;

    /// <summary>The credentials for <paramref name="reference"/>'s registry, or <see langword="null"/> for an anonymous pull.</summary>
    /// <exception cref="RegistryCredentialsException">A config file or <c>FN_DOCKER_AUTH</c> is not valid, or a credential helper failed.</exception>
    public async Task<RegistryCredential?> FindAsync(ImageReference reference, CancellationToken cancellationToken)
    {
        if (_options.RegistryCredential is { } own && own.Registry == reference.Registry)
        {
            return own;
        }

        if (_options.DockerAuthJson is { Length: > 0 } json
            && await DockerConfigFile.FindInAsync(json, "FN_DOCKER_AUTH", reference.Registry, cancellationToken) is { } fromSetting)
        {
            return fromSetting;
        }

        return _options.DockerConfigPath is { Length: > 0 } path
            ? await DockerConfigFile.FindAsync(path, reference.Registry, cancellationToken)
            : null;
    }

    /// <summary>The Engine API's <c>X-Registry-Auth</c> for <paramref name="credential"/> (an empty one for an anonymous pull).</summary>
    public static AuthConfig ToAuthConfig(ImageReference reference, RegistryCredential? credential) => credential is null
        ? new AuthConfig()
        : new AuthConfig
        {
            ServerAddress = reference.Registry == ImageReference.DockerHub ? ImageReference.DockerHubAuthKey : reference.Registry,
            Username = credential.Username,
            Password = credential.Password,
            IdentityToken = credential.IdentityToken,
            RegistryToken = credential.RegistryToken,
        };
}
