namespace FnSharp.Docker.Runc;

/// <summary>
/// Settings of the OCI-runtime driver (<see cref="RuncDriver"/>) and the choice of driver. The server binds them
/// from <c>FN_DRIVER</c>, <c>FN_RUNC_PATH</c>, <c>FN_RUNC_STATE_DIR</c>, <c>FN_RUNC_INIT_PATH</c> and <c>FN_RUNC_SUBNET</c> and checks
/// them at start-up (<c>docs/configuration.md</c>); the rest of the driver's settings are the Docker driver's
/// (<see cref="DockerDriverOptions"/>: the engine its images come from, the node, the hardening, the start timeout).
/// </summary>
public sealed record RuncDriverOptions
{
    /// <summary>The driver of fn containers (<c>FN_DRIVER</c>, default <see cref="ContainerDriverKind.Docker"/>).</summary>
    public ContainerDriverKind Driver { get; init; } = ContainerDriverKind.Docker;

    /// <summary>The <c>runc</c> binary (<c>FN_RUNC_PATH</c>): a path, or a name looked up on <c>PATH</c> and in <c>/usr/sbin</c> (Debian's <c>runc</c> package puts it there).</summary>
    public string RuncPath { get; init; } = "runc";

    /// <summary>
    /// The driver's directory (<c>FN_RUNC_STATE_DIR</c>, default <c>/var/lib/fnsharp/runc</c>): <c>images/</c> holds
    /// one root filesystem per image id, shared by every container of the image and every node of the host;
    /// <c>nodes/NODE/</c> holds runc's state (<c>--root</c>) and the bundle (<c>config.json</c>) of each container.
    /// </summary>
    public string StateDir { get; init; } = "/var/lib/fnsharp/runc";

    /// <summary>
    /// The init process bound into each container at <c>/dev/init</c> as PID 1 when the hardening's <c>init</c> part
    /// is on (<c>FN_RUNC_INIT_PATH</c>, default <c>/usr/bin/docker-init</c>: the static <c>tini</c> that Debian's
    /// <c>docker.io</c> installs for Docker's <c>--init</c>); it must not need libraries from the host. <c>none</c> runs
    /// the fn's process as PID 1.
    /// </summary>
    public string InitPath { get; init; } = "/usr/bin/docker-init";

    /// <summary>
    /// The IPv4 subnet of the containers' network (<c>FN_RUNC_SUBNET</c>, default <c>10.213.0.0/16</c>): the host's
    /// bridge <c>fnsharp0</c> takes its first address, each container one of the others; at most a /29. Unused when
    /// <c>FN_DOCKER_NETWORKS</c> is <c>none</c>.
    /// </summary>
    public string Subnet { get; init; } = "10.213.0.0/16";

    /// <summary>Whether <see cref="InitPath"/> names an init process.</summary>
    public bool HasInit => InitPath is { Length: > 0 } and not "none";

    /// <summary>
    /// Whether the settings turn the read-only root filesystem off (<c>FN_DISABLE_READONLY_ROOTFS</c>, or
    /// <c>readonly</c> in <c>FN_DISABLE_HARDENING</c>): this driver refuses to start then, since the root filesystem
    /// of an image is shared by all its containers.
    /// </summary>
    public bool WritableRootAsked { get; init; }

    /// <summary>
    /// The full path of the <c>runc</c> binary named by <see cref="RuncPath"/>, or <see langword="null"/> when there is
    /// none: a path is taken as it is, a name is looked up in <c>PATH</c>, then in <c>/usr/sbin</c>, <c>/usr/bin</c>,
    /// <c>/sbin</c> and <c>/bin</c> (a service's <c>PATH</c> often lacks the <c>sbin</c> directories).
    /// </summary>
    public string? ResolveRuncPath() => FindProgram(RuncPath);

    /// <summary>
    /// The full path of the program <paramref name="name"/>, or <see langword="null"/> when there is none: a path is
    /// taken as it is, a name is looked up in <c>PATH</c>, then in <c>/usr/sbin</c>, <c>/usr/bin</c>, <c>/sbin</c> and <c>/bin</c>.
    /// </summary>
    public static string? FindProgram(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(name) ? Path.GetFullPath(name) : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/bin", "/sbin", "/bin"])
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// The subnet of <see cref="Subnet"/>, or <see langword="null"/> when it is not an IPv4 subnet of at least 8
    /// addresses written with its first address (<c>10.213.0.0/16</c>, not <c>10.213.0.5/16</c>).
    /// </summary>
    public System.Net.IPNetwork? ParseSubnet() =>
        System.Net.IPNetwork.TryParse(Subnet, out var subnet)
        && subnet.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
        && subnet.PrefixLength <= 29
        && subnet.BaseAddress.ToString() == Subnet.Split('/')[0]
        && (System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(subnet.BaseAddress.GetAddressBytes()) & (uint.MaxValue >> subnet.PrefixLength)) == 0
            ? subnet
            : null;

    /// <summary>
    /// What makes this driver unable to run here, in words that name the setting to change; <see langword="null"/>
    /// when the Docker driver is chosen or nothing is wrong.
    /// </summary>
    public string? Problem()
    {
        if (Driver != ContainerDriverKind.Runc)
        {
            return null;
        }

        if (ResolveRuncPath() is null)
        {
            return $"is runc, but FN_RUNC_PATH '{RuncPath}' is not found: install Debian's runc (apt-get install runc; docker.io installs it too) or set FN_RUNC_PATH to its path.";
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return "is runc, which needs the server to run as root (it creates namespaces, cgroups and mounts); run it as root or set FN_DRIVER=docker.";
        }

        if (!Path.IsPathRooted(StateDir))
        {
            return $"is runc, whose FN_RUNC_STATE_DIR must be an absolute path, not '{StateDir}'.";
        }

        if (ParseSubnet() is null)
        {
            return $"is runc, whose FN_RUNC_SUBNET must be an IPv4 subnet of at least 8 addresses such as 10.213.0.0/16, not '{Subnet}'.";
        }

        if (HasInit && !File.Exists(InitPath))
        {
            return $"is runc, but FN_RUNC_INIT_PATH '{InitPath}' is not found: install Debian's tini-static and set FN_RUNC_INIT_PATH=/usr/bin/tini-static, or FN_RUNC_INIT_PATH=none to run without an init process.";
        }

        return WritableRootAsked
            ? "is runc, which keeps the root filesystem read-only (one image's root filesystem is shared by all its containers): unset FN_DISABLE_READONLY_ROOTFS and readonly in FN_DISABLE_HARDENING, or set FN_DRIVER=docker."
            : null;
    }
}
