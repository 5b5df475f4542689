using FnSharp.Core.Registries;

namespace FnSharp.Docker;

/// <summary>
/// Settings of the Docker driver. The server binds them from its <c>FN_*</c> settings and checks them at
/// start-up (its <c>Settings.Docker</c>; <c>docs/configuration.md</c> lists them); <see cref="Validate"/>
/// guards a driver built otherwise.
/// </summary>
public sealed record DockerDriverOptions
{
    /// <summary>The <see cref="RegistryCredential.Source"/> of <see cref="RegistryCredential"/> when the server's settings give it.</summary>
    public const string RegistrySettingsSource = "FN_REGISTRY_USERNAME/FN_REGISTRY_TOKEN";

    /// <summary>The Engine API endpoint (<c>FN_DOCKER_HOST</c>), for example <c>unix:///var/run/docker.sock</c> or <c>tcp://127.0.0.1:2375</c>.</summary>
    public string Endpoint { get; init; } = "unix:///var/run/docker.sock";

    /// <summary>
    /// The host directory under which each container gets its own socket directory, bind-mounted at
    /// <c>/tmp/iofs</c>. Kept short: a unix socket path may not exceed 107 bytes.
    /// </summary>
    public string IofsRoot { get; init; } = Path.Combine(Path.GetTempPath(), "fnsharp-iofs");

    /// <summary>How long a started container may take to create <c>lsnr.sock</c>, in milliseconds (Fn's <c>FN_HOT_START_TIMEOUT_MSECS</c>, default 5000).</summary>
    public int HotStartTimeoutMs { get; init; } = 5000;

    /// <summary>
    /// How long an Engine API call may go unanswered while the engine does not answer <c>GET /_ping</c> either, in
    /// milliseconds (<c>FN_DOCKER_API_TIMEOUT_MSECS</c>, default 5000): then it fails as if the engine were down, so that
    /// a start on a hung engine ends with 503 naming the engine (and starts back off) within the call's wait
    /// (<c>FN_MAX_WAIT_MSECS</c>, 10 s by default), instead of the call waiting out its wait. The engine is pinged after
    /// each half of it without an answer; an engine that answers is busy, not hung, and its call is waited for, up to a
    /// minute (or this time when longer), so that a start under load finishes; kill, removal and listing keep this
    /// time alone (a failed removal is tried again later, and a stop must end). Pulls have their own time
    /// (<see cref="PullTimeoutMs"/>), which image listing and removal share; the exit watch (<c>wait</c>, a long poll) has none.
    /// </summary>
    public int ApiTimeoutMs { get; init; } = 5000;

    /// <summary>This node's name (<c>FN_NODE_NAME</c>, default the host name), kept in the <c>io.fnsharp.node</c> label so that start-up removes only this node's leftovers.</summary>
    public string Node { get; init; } = Environment.MachineName;

    /// <summary>The Docker network of fn containers (<c>FN_DOCKER_NETWORKS</c>, default <c>bridge</c>; <c>none</c> cuts them off the network).</summary>
    public string Network { get; init; } = "bridge";

    /// <summary>The hardening of fn containers; every part on by default (<c>FN_DOCKER_USER</c>, <c>FN_MAX_PIDS</c>, <c>FN_TMPFS_SIZE_MB</c>, <c>FN_DISABLE_HARDENING</c>, <c>FN_DISABLE_READONLY_ROOTFS</c>).</summary>
    public ContainerHardening Hardening { get; init; } = new();

    /// <summary>How long pulling an image may take, in milliseconds (<c>FN_IMAGE_PULL_TIMEOUT_SECS</c> in seconds, default 60 s); then the calls waiting for it fail naming the image.</summary>
    public int PullTimeoutMs { get; init; } = 60_000;

    /// <summary>
    /// How long a pull of a fn whose pull policy is <c>always</c> stands for the next starts, in milliseconds
    /// (<c>FN_IMAGE_PULL_ALWAYS_CACHE_MSECS</c>, default 5000), so that a burst of starts pulls once; 0 pulls before every start.
    /// </summary>
    public int PullAlwaysCacheMs { get; init; } = 5_000;

    /// <summary>
    /// How many bytes the images this node pulled may take before the clean-up removes the least recently used of
    /// them (Fn's <c>FN_IMAGE_CLEAN_MAX_SIZE</c>); 0 (the default) never removes an image.
    /// </summary>
    public long ImageCleanMaxBytes { get; init; }

    /// <summary>How long a pulled image must have gone unused before the clean-up may remove it, in milliseconds (<c>FN_IMAGE_CLEAN_MIN_AGE_SECS</c> in seconds, default 3600 s).</summary>
    public long ImageCleanMinAgeMs { get; init; } = 3_600_000;

    /// <summary>
    /// The node's own registry credentials, for one registry host, tried first (<c>FN_REGISTRY_HOST</c> with
    /// <c>FN_REGISTRY_USERNAME</c> and <c>FN_REGISTRY_PASSWORD</c>, or <c>FN_REGISTRY_TOKEN</c>); never logged.
    /// </summary>
    public RegistryCredential? RegistryCredential { get; init; }

    /// <summary>A Docker config file's JSON given as a setting (Fn's <c>FN_DOCKER_AUTH</c>), tried next; never logged.</summary>
    public string? DockerAuthJson { get; init; }

    /// <summary>
    /// The Docker config file read at each pull (<c>$DOCKER_CONFIG/config.json</c>, default <c>~/.docker/config.json</c>
    /// of the server's user, as the Docker CLI finds it); <see langword="null"/> reads none.
    /// </summary>
    public string? DockerConfigPath { get; init; } = DockerConfigFile.PathFor(null);

    /// <summary>How long a failed pull is remembered, in milliseconds (<c>FN_DOCKER_PULL_FAILURE_CACHE_MSECS</c>, default 10000), so that a burst of calls does not retry it each time.</summary>
    public int PullFailureCacheMs { get; init; } = 10_000;

    /// <summary>
    /// Where the host's cgroup file system is mounted (default <c>/sys/fs/cgroup</c>), in which each fn gets a CPU cgroup of
    /// its own (<c>fnsharp-NODE/fn-ID</c>, weighted by the fn's memory) holding its containers; not a server setting.
    /// </summary>
    public string CgroupRoot { get; init; } = "/sys/fs/cgroup";

    /// <summary>How many of a container's last stderr lines are kept for its exit report (default 20).</summary>
    public int StderrTailLines { get; init; } = 20;

    /// <summary>How many output lines are kept per call (default 1000); later ones are dropped.</summary>
    public int LogLinesPerCall { get; init; } = 1000;

    /// <summary>
    /// How many output lines a container keeps of all its calls until they are taken (default 32000);
    /// beyond it the lines of the calls that wrote longest ago go first. Lines are taken a little after
    /// each call (<c>FN_CALL_LOG_WAIT_MSECS</c>), while a busy container serves many more.
    /// </summary>
    public int LogLinesKept { get; init; } = 32_000;

    /// <summary>The longest line kept, in characters (default 4096); longer lines are cut.</summary>
    public int LogLineMaxLength { get; init; } = 4096;

    /// <summary>The endpoint, node, network and where registry credentials come from; never a password, token or <see cref="DockerAuthJson"/>.</summary>
    public override string ToString() =>
        $"DockerDriverOptions {{ Endpoint = {Endpoint}, Node = {Node}, Network = {Network}, RegistryCredential = {RegistryCredential?.ToString() ?? "none"}, "
        + $"DockerAuthJson = {(DockerAuthJson is null ? "none" : "set")}, DockerConfigPath = {DockerConfigPath ?? "none"} }}";

    /// <summary>Checks the settings; the message names the bad property and value.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        Positive(HotStartTimeoutMs, nameof(HotStartTimeoutMs));
        Positive(ApiTimeoutMs, nameof(ApiTimeoutMs));
        Positive(PullTimeoutMs, nameof(PullTimeoutMs));
        Positive(StderrTailLines, nameof(StderrTailLines));
        Positive(LogLinesPerCall, nameof(LogLinesPerCall));
        Positive(LogLinesKept, nameof(LogLinesKept));
        Positive(LogLineMaxLength, nameof(LogLineMaxLength));
        if (ImageCleanMaxBytes < 0 || ImageCleanMinAgeMs < 0)
        {
            throw new ArgumentException($"{nameof(ImageCleanMaxBytes)} ({ImageCleanMaxBytes}) and {nameof(ImageCleanMinAgeMs)} ({ImageCleanMinAgeMs}) must be 0 or more.");
        }

        if (PullAlwaysCacheMs < 0)
        {
            throw new ArgumentException($"{nameof(PullAlwaysCacheMs)} must be 0 or more milliseconds, not {PullAlwaysCacheMs}.");
        }

        if (PullFailureCacheMs < 0)
        {
            throw new ArgumentException($"{nameof(PullFailureCacheMs)} must be 0 or more milliseconds, not {PullFailureCacheMs}.");
        }

        if (string.IsNullOrWhiteSpace(Network))
        {
            throw new ArgumentException($"{nameof(Network)} must name a Docker network (bridge, none, ...), not '{Network}'.");
        }

        if (Hardening.TmpfsSizeMiB < 0 || Hardening.PidsLimit < 0)
        {
            throw new ArgumentException($"{nameof(Hardening)}: TmpfsSizeMiB ({Hardening.TmpfsSizeMiB}) and PidsLimit ({Hardening.PidsLimit}) must be 0 or more.");
        }
    }

    private static void Positive(int value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentException($"{name} must be positive, not {value}.");
        }
    }
}
