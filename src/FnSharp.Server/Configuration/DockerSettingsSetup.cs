using System.Globalization;
using Microsoft.Extensions.Options;

namespace FnSharp.Server.Configuration;

/// <summary>Reads <see cref="DockerSettings"/> from Fn's flat <c>FN_*</c> configuration keys and checks them.</summary>
internal sealed class DockerSettingsSetup(IConfiguration configuration) : IConfigureOptions<DockerSettings>, IValidateOptions<DockerSettings>
{
    public void Configure(DockerSettings options)
    {
        if (configuration["FN_DOCKER_NETWORKS"] is { } networks && networks.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is [var first, ..])
        {
            options.Network = first;
        }

        options.User = configuration["FN_DOCKER_USER"] is { Length: > 0 } user ? user : options.User;
        options.MaxPids = configuration.GetValue("FN_MAX_PIDS", options.MaxPids);
        options.TmpfsSizeMiB = configuration.GetValue("FN_TMPFS_SIZE_MB", options.TmpfsSizeMiB);
        if (configuration["FN_DISABLE_HARDENING"] is { Length: > 0 } disabled)
        {
            options.DisabledHardening = disabled.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(p => p.ToLowerInvariant())
                .ToArray();
        }

        options.DisableReadOnlyRootFs = configuration.GetValue("FN_DISABLE_READONLY_ROOTFS", options.DisableReadOnlyRootFs);
        options.PullTimeoutSecs = configuration.GetValue("FN_IMAGE_PULL_TIMEOUT_SECS", options.PullTimeoutSecs);
        options.PullAlwaysCacheMs = configuration.GetValue("FN_IMAGE_PULL_ALWAYS_CACHE_MSECS", options.PullAlwaysCacheMs);
        options.RegistryHost = configuration["FN_REGISTRY_HOST"];
        options.RegistryUsername = configuration["FN_REGISTRY_USERNAME"];
        options.RegistryPassword = configuration["FN_REGISTRY_PASSWORD"];
        options.RegistryToken = configuration["FN_REGISTRY_TOKEN"];
        options.DockerAuth = configuration["FN_DOCKER_AUTH"];
        options.DockerConfigDirectory = configuration["DOCKER_CONFIG"];
        options.ImageCleanMaxSize = configuration.GetValue("FN_IMAGE_CLEAN_MAX_SIZE", options.ImageCleanMaxSize);
        options.ImageCleanMinAgeSecs = configuration.GetValue("FN_IMAGE_CLEAN_MIN_AGE_SECS", options.ImageCleanMinAgeSecs);
        options.ImageCleanIntervalSecs = configuration.GetValue("FN_IMAGE_CLEAN_INTERVAL_SECS", options.ImageCleanIntervalSecs);
        options.PullFailureCacheMs = configuration.GetValue("FN_DOCKER_PULL_FAILURE_CACHE_MSECS", options.PullFailureCacheMs);
    }

    public ValidateOptionsResult Validate(string? name, DockerSettings options)
    {
        var failures = new List<string>();
        if (options.MaxPids < 0)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"FN_MAX_PIDS must be 0 (no limit) or a positive number of processes, not {options.MaxPids}."));
        }

        if (options.TmpfsSizeMiB < 0)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"FN_TMPFS_SIZE_MB must be 0 (no tmpfs) or a positive number of MiB, not {options.TmpfsSizeMiB}."));
        }

        if (options.PullTimeoutSecs < 1)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"FN_IMAGE_PULL_TIMEOUT_SECS must be a positive number of seconds, not {options.PullTimeoutSecs}."));
        }

        if (options.PullAlwaysCacheMs < 0)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"FN_IMAGE_PULL_ALWAYS_CACHE_MSECS must be 0 or more milliseconds, not {options.PullAlwaysCacheMs}."));
        }

        if (options.ImageCleanMaxSize < 0)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"FN_IMAGE_CLEAN_MAX_SIZE must be 0 (no clean-up) or a positive number of bytes, not {options.ImageCleanMaxSize}."));
        }

        if (options.ImageCleanMinAgeSecs < 0)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"FN_IMAGE_CLEAN_MIN_AGE_SECS must be 0 or more seconds, not {options.ImageCleanMinAgeSecs}."));
        }

        if (options.ImageCleanIntervalSecs < 1)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"FN_IMAGE_CLEAN_INTERVAL_SECS must be a positive number of seconds, not {options.ImageCleanIntervalSecs}."));
        }

        failures.AddRange(RegistryFailures(options));

        if (options.PullFailureCacheMs < 0)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"FN_DOCKER_PULL_FAILURE_CACHE_MSECS must be 0 or more milliseconds, not {options.PullFailureCacheMs}."));
        }

        foreach (var part in options.DisabledHardening.Where(p => p != "all" && !DockerSettings.HardeningParts.Contains(p, StringComparer.Ordinal)))
        {
            failures.Add($"FN_DISABLE_HARDENING names '{part}', which is not one of all, {string.Join(", ", DockerSettings.HardeningParts)}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The node's own registry credentials must be whole: a host, and a user with a password or a token. Messages never hold a secret.</summary>
    private static IEnumerable<string> RegistryFailures(DockerSettings options)
    {
        var user = options.RegistryUsername is { Length: > 0 };
        var password = options.RegistryPassword is { Length: > 0 };
        var token = options.RegistryToken is { Length: > 0 };
        var host = options.RegistryHost is { Length: > 0 };
        if (options.RegistryHost is { Length: > 0 } named && (named.Any(char.IsWhiteSpace) || named.Contains('@', StringComparison.Ordinal)))
        {
            yield return $"FN_REGISTRY_HOST must be a registry host, as HOST[:PORT] (for example registry.example.com:5000), not '{options.RegistryHost}'.";
        }

        if (user && !password)
        {
            yield return "FN_REGISTRY_USERNAME is set without FN_REGISTRY_PASSWORD: set both (or FN_REGISTRY_TOKEN alone).";
        }

        if (password && !user)
        {
            yield return "FN_REGISTRY_PASSWORD is set without FN_REGISTRY_USERNAME: set both (or FN_REGISTRY_TOKEN alone).";
        }

        if (token && user)
        {
            yield return "FN_REGISTRY_TOKEN and FN_REGISTRY_USERNAME are both set: use a token or a user and password, not both.";
        }

        if ((user || password || token) && !host)
        {
            yield return "FN_REGISTRY_USERNAME, FN_REGISTRY_PASSWORD and FN_REGISTRY_TOKEN need FN_REGISTRY_HOST, the registry they are for (HOST[:PORT], for example registry.example.com:5000).";
        }

        if (host && !(user || token))
        {
            yield return $"FN_REGISTRY_HOST is set to '{options.RegistryHost}' without credentials: add FN_REGISTRY_USERNAME and FN_REGISTRY_PASSWORD, or FN_REGISTRY_TOKEN.";
        }

        if (options.DockerAuth is { Length: > 0 } auth)
        {
            string? error = null;
            try
            {
                using var document = System.Text.Json.JsonDocument.Parse(auth);
                if (document.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object)
                {
                    error = "it should be a JSON object with \"auths\"";
                }
            }
            catch (System.Text.Json.JsonException e)
            {
                error = e.Message;
            }

            if (error is not null)
            {
                yield return $"FN_DOCKER_AUTH must be a Docker config file's JSON ({{\"auths\": {{\"HOST\": {{\"auth\": \"BASE64(user:password)\"}}}}}}): {error}";
            }
        }
    }
}
