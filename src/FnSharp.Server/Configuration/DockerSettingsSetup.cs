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
        options.PullTimeoutMs = configuration.GetValue("FN_DOCKER_PULL_TIMEOUT_MSECS", options.PullTimeoutMs);
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

        if (options.PullTimeoutMs < 1)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"FN_DOCKER_PULL_TIMEOUT_MSECS must be a positive number of milliseconds, not {options.PullTimeoutMs}."));
        }

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
}
