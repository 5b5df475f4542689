namespace FnSharp.Docker.Runc;

/// <summary>Everything one container's OCI runtime spec (<c>config.json</c>) is made of (<see cref="OciSpecBuilder"/>).</summary>
internal sealed record OciSpecInput
{
    /// <summary>The container's id, also its host name.</summary>
    public required string ContainerId { get; init; }

    /// <summary>The host path of the image's root filesystem, shared read-only.</summary>
    public required string RootfsPath { get; init; }

    /// <summary>The process: the image's entrypoint followed by its command.</summary>
    public required IReadOnlyList<string> Args { get; init; }

    /// <summary>The process's environment, as <c>KEY=value</c>.</summary>
    public required IReadOnlyList<string> Env { get; init; }

    /// <summary>The working directory: the image's, else <c>/</c>.</summary>
    public required string Cwd { get; init; }

    /// <summary>The user the process runs as.</summary>
    public required OciUser User { get; init; }

    /// <summary>The host directory bind-mounted at <c>/tmp/iofs</c>, where the FDK creates its socket.</summary>
    public required string IofsDir { get; init; }

    /// <summary>The memory limit, in bytes.</summary>
    public required long MemoryBytes { get; init; }

    /// <summary>Which parts of the hardening apply (the Docker driver's, <c>FN_DISABLE_HARDENING</c>).</summary>
    public required ContainerHardening Hardening { get; init; }

    /// <summary>The container's cgroup, for example <c>/fnsharp-NODE/ID</c>.</summary>
    public required string CgroupsPath { get; init; }

    /// <summary>The host path of the init process bound at <c>/dev/init</c>, or <see langword="null"/> for none.</summary>
    public string? InitPath { get; init; }

    /// <summary>
    /// The network namespace the container joins (<c>/run/netns/ID</c>, wired to the host's bridge), or
    /// <see langword="null"/> for a new, empty one (no network).
    /// </summary>
    public string? NetworkNamespacePath { get; init; }

    /// <summary>Host files bind-mounted read-only into the container (its <c>/etc/hosts</c>, <c>/etc/hostname</c>, <c>/etc/resolv.conf</c>).</summary>
    public IReadOnlyList<(string Destination, string Source)> FileMounts { get; init; } = [];

    /// <summary>Whether the host runs cgroup v2 alone (no swappiness there).</summary>
    public bool CgroupV2 { get; init; }
}
