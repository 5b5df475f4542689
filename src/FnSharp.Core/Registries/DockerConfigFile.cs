using System.Diagnostics;
using System.Text;

namespace FnSharp.Core.Registries;

/// <summary>
/// Registry credentials from a Docker config file (<c>config.json</c> in <c>DOCKER_CONFIG</c>, else
/// <c>~/.docker</c>), as the Docker CLI reads them after <c>docker login</c>: the registry's credential
/// helper (<c>credHelpers</c>), else the file's <c>credsStore</c> helper, else its <c>auths</c> entry
/// (<c>auth</c>: base64 <c>user:password</c>; or <c>username</c> and <c>password</c>; <c>identitytoken</c>;
/// <c>registrytoken</c>). Entries are matched by registry host, whatever scheme or path their key has
/// (<see cref="ImageReference.RegistryOfAddress"/>). The file is read at each call, so a later
/// <c>docker login</c> is seen without a restart.
/// </summary>
public static class DockerConfigFile
{
    /// <summary>How long a credential helper may take to answer.</summary>
    public static readonly TimeSpan HelperTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The config file's path: <c>$DOCKER_CONFIG/config.json</c>, else <c>~/.docker/config.json</c>, as the Docker CLI finds it.</summary>
    /// <param name="dockerConfig">The value of <c>DOCKER_CONFIG</c>, or <see langword="null"/>.</param>
    public static string PathFor(string? dockerConfig) =>
        Path.Combine(
            dockerConfig is { Length: > 0 } ? dockerConfig : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker"),
            "config.json");

    /// <summary>
    /// The credentials for <paramref name="registry"/> (<see cref="ImageReference.Registry"/> form) in the config
    /// file at <paramref name="path"/>, or <see langword="null"/> when the file or an entry for the registry is
    /// missing (an anonymous pull or push).
    /// </summary>
    /// <exception cref="RegistryCredentialsException">The file is not valid, or its credential helper is missing or fails.</exception>
    public static async Task<RegistryCredential?> FindAsync(string path, string registry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RegistryCredentialsException($"cannot read the Docker config file {path}: {e.Message}", e);
        }

        return await FindInAsync(text, path, registry, cancellationToken);
    }

    /// <summary>
    /// The credentials for <paramref name="registry"/> in <paramref name="json"/>, a Docker config file's text
    /// (also Fn's <c>FN_DOCKER_AUTH</c>), named <paramref name="source"/> in messages.
    /// </summary>
    /// <exception cref="RegistryCredentialsException">The text is not a valid config file, or its credential helper is missing or fails.</exception>
    public static async Task<RegistryCredential?> FindInAsync(string json, string source, string registry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            // JsonException names the line and position, never the text.
            throw new RegistryCredentialsException($"{source} is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new RegistryCredentialsException($"{source} is not a Docker config file: it should be a JSON object with \"auths\"");
            }

            if (root.TryGetProperty("credHelpers", out var helpers) && helpers.ValueKind == JsonValueKind.Object)
            {
                foreach (var helper in helpers.EnumerateObject())
                {
                    if (ImageReference.RegistryOfAddress(helper.Name) == registry && helper.Value.GetString() is { Length: > 0 } name)
                    {
                        return await FromHelperAsync(name, registry, source, cancellationToken);
                    }
                }
            }

            if (root.TryGetProperty("credsStore", out var store) && store.ValueKind == JsonValueKind.String && store.GetString() is { Length: > 0 } storeName)
            {
                return await FromHelperAsync(storeName, registry, source, cancellationToken);
            }

            if (!root.TryGetProperty("auths", out var auths) || auths.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            foreach (var entry in auths.EnumerateObject())
            {
                if (ImageReference.RegistryOfAddress(entry.Name) == registry && entry.Value.ValueKind == JsonValueKind.Object)
                {
                    return FromEntry(entry.Name, entry.Value, registry, source);
                }
            }

            return null;
        }
    }

    private static RegistryCredential? FromEntry(string key, JsonElement entry, string registry, string source)
    {
        string? username = Text(entry, "username");
        string? password = Text(entry, "password");
        if (Text(entry, "auth") is { Length: > 0 } auth)
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
            }
            catch (FormatException e)
            {
                throw new RegistryCredentialsException($"{source}: auths[\"{key}\"].auth is not base64 of user:password (run docker login {registry} again)", e);
            }

            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new RegistryCredentialsException($"{source}: auths[\"{key}\"].auth is not base64 of user:password (run docker login {registry} again)");
            }

            username = decoded[..colon];
            password = decoded[(colon + 1)..];
        }

        var credential = new RegistryCredential
        {
            Registry = registry,
            Username = username,
            Password = password,
            IdentityToken = Text(entry, "identitytoken"),
            RegistryToken = Text(entry, "registrytoken"),
            Source = source,
        };
        return credential.Username is { Length: > 0 } || credential.IdentityToken is { Length: > 0 } || credential.RegistryToken is { Length: > 0 } ? credential : null;
    }

    /// <summary>
    /// Asks <c>docker-credential-NAME get</c> for the registry's credentials, as the Docker CLI does: the server
    /// address on stdin, <c>{"Username": ..., "Secret": ...}</c> on stdout, a user name of <c>&lt;token&gt;</c> for
    /// an identity token. "credentials not found" is no credential.
    /// </summary>
    private static async Task<RegistryCredential?> FromHelperAsync(string name, string registry, string source, CancellationToken cancellationToken)
    {
        var program = "docker-credential-" + name;
        var start = new ProcessStartInfo(program, ["get"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new RegistryCredentialsException($"{source} names the credential helper {program}, which did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new RegistryCredentialsException($"{source} names the credential helper {program}, which is not installed (or not on PATH)", e);
        }

        using (process)
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(HelperTimeout);
            try
            {
                await process.StandardInput.WriteAsync(registry == ImageReference.DockerHub ? ImageReference.DockerHubAuthKey : registry);
                process.StandardInput.Close();
                var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
                var error = process.StandardError.ReadToEndAsync(timeout.Token);
                await process.WaitForExitAsync(timeout.Token);
                var said = (await output).Trim();
                if (process.ExitCode != 0)
                {
                    return said.Contains("credentials not found", StringComparison.OrdinalIgnoreCase) ? null
                        : throw new RegistryCredentialsException($"the credential helper {program} failed for {registry} (exit code {process.ExitCode}): {Shorten((await error).Trim() is { Length: > 0 } e ? e : said)}");
                }

                using var answer = JsonDocument.Parse(said);
                var username = Text(answer.RootElement, "Username");
                var secret = Text(answer.RootElement, "Secret");
                return username == "<token>"
                    ? new RegistryCredential { Registry = registry, IdentityToken = secret, Source = program }
                    : new RegistryCredential { Registry = registry, Username = username, Password = secret, Source = program };
            }
            catch (OperationCanceledException)
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }

                throw new RegistryCredentialsException($"the credential helper {program} did not answer within {HelperTimeout.TotalSeconds:0} s");
            }
            catch (JsonException e)
            {
                throw new RegistryCredentialsException($"the credential helper {program} did not answer with JSON", e);
            }
        }
    }

    private static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "...";
}
