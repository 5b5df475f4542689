using Docker.DotNet.Models;
using FnSharp.Core.Registries;

namespace FnSharp.Cli.Images;

/// <summary>
/// A push of a built image to its registry, as <c>fn deploy</c> runs <c>docker push</c>: prepared before the
/// build (the name, the credentials <c>docker login</c> wrote, and whether the registry speaks plain HTTP, which
/// needs the user's say-so), then run on the engine as a progress step. The engine does the push; the CLI hands
/// it the credentials of the Docker config file (<c>$DOCKER_CONFIG/config.json</c>, else
/// <c>~/.docker/config.json</c>, with its credential helpers), as the Docker CLI does. Refusals name the registry
/// and what to do.
/// </summary>
/// <param name="Image">The image pushed, <c>REGISTRY/PATH:TAG</c>.</param>
/// <param name="Reference">Its parts.</param>
/// <param name="Credential">The credentials found for the registry, or <see langword="null"/> (an anonymous push).</param>
/// <param name="Transport">How the registry speaks.</param>
internal sealed record ImagePush(string Image, ImageReference Reference, RegistryCredential? Credential, RegistryTransport Transport)
{
    /// <summary>
    /// Checks what can be checked before the build: the name, the Docker config file, and the registry's
    /// transport; a plain-HTTP registry needs <paramref name="insecureAllowed"/> or its name in
    /// <c>insecure_registries</c> of the CLI's config file.
    /// </summary>
    /// <exception cref="CliException">The name has no registry, the config file is not valid, the registry cannot be reached, or it speaks plain HTTP without the user's say-so.</exception>
    public static async Task<ImagePush> PrepareAsync(string image, bool insecureAllowed, CliContext context, CancellationToken cancellationToken)
    {
        var reference = ImageReference.TryParse(image)
            ?? throw new CliException($"'{image}' is not an image name that can be pushed");
        RegistryCredential? credential;
        try
        {
            credential = await DockerConfigFile.FindAsync(DockerConfigFile.PathFor(context.Environment("DOCKER_CONFIG")), reference.Registry, cancellationToken);
        }
        catch (RegistryCredentialsException e)
        {
            throw new CliException(e.Message);
        }

        var transport = await RegistryProbe.ProbeAsync(reference.Registry, cancellationToken);
        if (transport == RegistryTransport.PlainHttp && !insecureAllowed && !context.Config.InsecureRegistries.Contains(reference.Registry, StringComparer.OrdinalIgnoreCase))
        {
            throw new CliException(
                $"the registry {reference.Registry} speaks plain HTTP, not HTTPS: the image{(credential is null ? "" : " and your credentials")} would cross the network unencrypted",
                "To push there anyway: add --insecure-registry, or list it in insecure_registries in ~/.fnsharp/config.json, for example {\"insecure_registries\": [\"" + reference.Registry + "\"]}",
                "To build and deploy without pushing: add --local");
        }

        return new ImagePush(image, reference, credential, transport);
    }

    /// <summary>Pushes the image as the progress step <c>docker push IMAGE</c>; returns the digest the registry gave it.</summary>
    /// <exception cref="CliException">The engine or the registry refused the push; the message says why and what to do.</exception>
    public async Task<string?> RunAsync(DockerEngine engine, ProgressDisplay progress, bool verbose, CancellationToken cancellationToken)
    {
        var auth = new AuthConfig
        {
            ServerAddress = Reference.Registry == ImageReference.DockerHub ? ImageReference.DockerHubAuthKey : Reference.Registry,
            Username = Credential?.Username,
            Password = Credential?.Password,
            IdentityToken = Credential?.IdentityToken,
            RegistryToken = Credential?.RegistryToken,
        };
        return await progress.StepAsync($"docker push {Image}", verbose, async step =>
        {
            using var output = step.Writer();
            var outcome = await engine.PushAsync(Image, auth, output, step.Note, cancellationToken);
            return outcome.Error is { } error ? throw Refusal(error, engine.Endpoint) : outcome.Digest;
        });
    }

    /// <summary>The engine's error, with what it means for this registry and what to do.</summary>
    internal CliException Refusal(string error, string engineEndpoint)
    {
        var registry = Reference.Registry;
        if (Contains(error, "no basic auth credentials") || Contains(error, "unauthorized") || Contains(error, "authentication required"))
        {
            return Credential is null
                ? new CliException(
                    $"the registry {registry} asks for credentials, and none are set for it ({error})",
                    $"Log in first: docker login {registry} (fnsharp reads the credentials docker login writes: $DOCKER_CONFIG/config.json, else ~/.docker/config.json)")
                : new CliException(
                    $"the registry {registry} refused the credentials of {Credential.Username ?? "the token"} from {Credential.Source} ({error})",
                    $"Log in again: docker login {registry}");
        }

        if (Contains(error, "denied"))
        {
            return new CliException(
                $"the registry {registry} denied the push of {Image} ({error})",
                $"Check that {(Credential?.Username is { } user ? "user " + user : "your account")} may push to {Reference.Path} on {registry}");
        }

        if (Contains(error, "server gave HTTP response to HTTPS client"))
        {
            return new CliException(
                $"the Docker engine at {engineEndpoint} pushes to {registry} over HTTPS only, and {registry} speaks plain HTTP ({error})",
                $"Add \"insecure-registries\": [\"{registry}\"] to /etc/docker/daemon.json and restart dockerd (the engine allows plain HTTP to 127.0.0.0/8 without it)");
        }

        return new CliException($"pushing {Image} to {registry} failed: {error}");
    }

    private static bool Contains(string text, string part) => text.Contains(part, StringComparison.OrdinalIgnoreCase);
}
