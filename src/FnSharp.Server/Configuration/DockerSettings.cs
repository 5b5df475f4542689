using FnSharp.Core.Registries;
using FnSharp.Docker;

namespace FnSharp.Server.Configuration;

/// <summary>
/// The Docker driver's settings beyond <see cref="ServerOptions"/>, read from <c>FN_*</c> names
/// (<c>docs/configuration.md</c>): network, hardening switches and image pulls.
/// </summary>
public sealed record DockerSettings
{
    /// <summary>The hardening parts <c>FN_DISABLE_HARDENING</c> can name, comma-separated (or <c>all</c>).</summary>
    public static readonly IReadOnlyList<string> HardeningParts = ["user", "capdrop", "nonewprivileges", "readonly", "tmpfs", "init", "noswap", "pids", "ulimits"];

    /// <summary>The network of fn containers (<c>FN_DOCKER_NETWORKS</c>, default <c>bridge</c>; <c>none</c> cuts them off). Of a space-separated list, as Fn takes, the first is used.</summary>
    public string Network { get; set; } = "bridge";

    /// <summary>The user fn containers run as (<c>FN_DOCKER_USER</c>, default <c>1000:1000</c>).</summary>
    public string User { get; set; } = "1000:1000";

    /// <summary>The pids limit of each container (<c>FN_MAX_PIDS</c>, default 50; 0 for none).</summary>
    public long MaxPids { get; set; } = 50;

    /// <summary>The size of the <c>/tmp</c> tmpfs, in MiB (<c>FN_TMPFS_SIZE_MB</c>, default 64; 0 for none).</summary>
    public int TmpfsSizeMiB { get; set; } = 64;

    /// <summary>The hardening parts turned off (<c>FN_DISABLE_HARDENING</c>: a comma-separated list of <see cref="HardeningParts"/>, or <c>all</c>).</summary>
    public IReadOnlyList<string> DisabledHardening { get; set; } = [];

    /// <summary>Whether the root filesystem stays writable (<c>FN_DISABLE_READONLY_ROOTFS</c>, Fn's name; the same as <c>readonly</c> in <see cref="DisabledHardening"/>).</summary>
    public bool DisableReadOnlyRootFs { get; set; }

    /// <summary>How long pulling an image may take, in seconds (<c>FN_IMAGE_PULL_TIMEOUT_SECS</c>, default 60).</summary>
    public int PullTimeoutSecs { get; set; } = 60;

    /// <summary>How long a pull of a fn with <c>fnsharp.io/pull-policy: always</c> stands for the next starts, in milliseconds (<c>FN_IMAGE_PULL_ALWAYS_CACHE_MSECS</c>, default 5000).</summary>
    public int PullAlwaysCacheMs { get; set; } = 5_000;

    /// <summary>The registry host (<c>host[:port]</c>) the node's own credentials are for (<c>FN_REGISTRY_HOST</c>).</summary>
    public string? RegistryHost { get; set; }

    /// <summary>The user of the node's own registry credentials (<c>FN_REGISTRY_USERNAME</c>).</summary>
    public string? RegistryUsername { get; set; }

    /// <summary>The password of the node's own registry credentials (<c>FN_REGISTRY_PASSWORD</c>); never logged.</summary>
    public string? RegistryPassword { get; set; }

    /// <summary>A bearer token for the registry instead of a user and password (<c>FN_REGISTRY_TOKEN</c>, as Fn reads it); never logged.</summary>
    public string? RegistryToken { get; set; }

    /// <summary>A Docker config file's JSON (<c>FN_DOCKER_AUTH</c>, Fn's name), for several registries at once; never logged.</summary>
    public string? DockerAuth { get; set; }

    /// <summary>The directory of the Docker config file (<c>DOCKER_CONFIG</c>, as the Docker CLI reads it; else <c>~/.docker</c>).</summary>
    public string? DockerConfigDirectory { get; set; }

    /// <summary>How many bytes the images this node pulled may take before the clean-up removes unused ones (<c>FN_IMAGE_CLEAN_MAX_SIZE</c>, Fn's name; 0, the default, is off).</summary>
    public long ImageCleanMaxSize { get; set; }

    /// <summary>How long a pulled image must go unused before the clean-up may remove it, in seconds (<c>FN_IMAGE_CLEAN_MIN_AGE_SECS</c>, default 3600).</summary>
    public long ImageCleanMinAgeSecs { get; set; } = 3600;

    /// <summary>The time between two rounds of the image clean-up, in seconds (<c>FN_IMAGE_CLEAN_INTERVAL_SECS</c>, default 300).</summary>
    public int ImageCleanIntervalSecs { get; set; } = 300;

    /// <summary>How long a failed pull is remembered, in milliseconds (<c>FN_DOCKER_PULL_FAILURE_CACHE_MSECS</c>, default 10000).</summary>
    public int PullFailureCacheMs { get; set; } = 10_000;

    /// <summary>The driver's options from these settings and the server's.</summary>
    public DockerDriverOptions ToDriverOptions(ServerOptions server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var off = DisabledHardening.Contains("all", StringComparer.Ordinal)
            ? new HashSet<string>(HardeningParts, StringComparer.Ordinal)
            : new HashSet<string>(DisabledHardening, StringComparer.Ordinal);
        if (DisableReadOnlyRootFs)
        {
            off.Add("readonly");
        }

        return new DockerDriverOptions
        {
            Endpoint = server.DockerHost,
            HotStartTimeoutMs = server.HotStartTimeoutMs,
            Node = server.NodeName,
            Network = Network,
            PullTimeoutMs = (int)Math.Min(int.MaxValue, PullTimeoutSecs * 1000L),
            PullAlwaysCacheMs = PullAlwaysCacheMs,
            RegistryCredential = RegistryHost is { Length: > 0 } host && (RegistryUsername is { Length: > 0 } || RegistryToken is { Length: > 0 })
                ? new RegistryCredential
                {
                    Registry = ImageReference.RegistryOfAddress(host),
                    Username = RegistryUsername is { Length: > 0 } ? RegistryUsername : null,
                    Password = RegistryPassword,
                    RegistryToken = RegistryToken is { Length: > 0 } ? RegistryToken : null,
                    Source = DockerDriverOptions.RegistrySettingsSource,
                }
                : null,
            DockerAuthJson = DockerAuth is { Length: > 0 } ? DockerAuth : null,
            DockerConfigPath = DockerConfigFile.PathFor(DockerConfigDirectory),
            ImageCleanMaxBytes = ImageCleanMaxSize,
            ImageCleanMinAgeMs = ImageCleanMinAgeSecs * 1000,
            PullFailureCacheMs = PullFailureCacheMs,
            Hardening = new ContainerHardening
            {
                User = off.Contains("user") ? null : User,
                DropAllCapabilities = !off.Contains("capdrop"),
                NoNewPrivileges = !off.Contains("nonewprivileges"),
                ReadOnlyRootFilesystem = !off.Contains("readonly"),
                TmpfsSizeMiB = off.Contains("tmpfs") ? 0 : TmpfsSizeMiB,
                Init = !off.Contains("init"),
                NoSwap = !off.Contains("noswap"),
                PidsLimit = off.Contains("pids") ? 0 : MaxPids,
                Ulimits = off.Contains("ulimits") ? new Dictionary<string, long>() : ContainerHardening.DefaultUlimits,
            },
        };
    }
}
