namespace FnSharp.Core.Registries;

/// <summary>
/// The credentials for one registry, as the Docker Engine API takes them in <c>X-Registry-Auth</c>: a user
/// name and password, or an identity token (OAuth refresh token, sent with an empty password), or a bearer
/// registry token sent as it is (Fn's <c>FN_REGISTRY_TOKEN</c>). <see cref="ToString"/> never shows a
/// secret, so that a credential printed by mistake leaks nothing.
/// </summary>
public sealed record RegistryCredential
{
    /// <summary>The registry these are for (<see cref="ImageReference.Registry"/> form: <c>host:port</c> or <c>docker.io</c>).</summary>
    public required string Registry { get; init; }

    /// <summary>The user name, or <see langword="null"/> with a token.</summary>
    public string? Username { get; init; }

    /// <summary>The password.</summary>
    public string? Password { get; init; }

    /// <summary>An identity token for the registry's token service (Docker's <c>identitytoken</c>).</summary>
    public string? IdentityToken { get; init; }

    /// <summary>A bearer token sent to the registry as it is (Docker's <c>registrytoken</c>).</summary>
    public string? RegistryToken { get; init; }

    /// <summary>Where the credentials came from, for messages: <c>FN_REGISTRY_USERNAME</c>, <c>/root/.docker/config.json</c>, ....</summary>
    public required string Source { get; init; }

    /// <summary>Names the registry, the user and the source; never a password or token.</summary>
    public override string ToString() =>
        $"credentials for {Registry} ({(Username is { Length: > 0 } ? "user " + Username : "a token")}, from {Source})";
}
