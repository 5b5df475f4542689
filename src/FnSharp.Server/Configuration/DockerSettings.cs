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

    /// <summary>How long pulling a missing image may take, in milliseconds (<c>FN_DOCKER_PULL_TIMEOUT_MSECS</c>, default 60000).</summary>
    public int PullTimeoutMs { get; set; } = 60_000;

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
            PullTimeoutMs = PullTimeoutMs,
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
