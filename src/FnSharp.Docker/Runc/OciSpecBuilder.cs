using System.Globalization;
using System.Text.Json.Nodes;

namespace FnSharp.Docker.Runc;

/// <summary>
/// Writes a container's OCI runtime spec (<c>config.json</c>, runtime-spec 1.0.2) with the hardening the Docker driver
/// asks of the engine (<see cref="DockerHardening"/>, <c>fn-compat.md</c> section 4): the user, every capability
/// dropped, no new privileges, the read-only root with a tmpfs at <c>/tmp</c>, memory without swap, pids, rlimits,
/// a CPU weight from the memory, an init process as PID 1, FnSharp's seccomp profile (<see cref="OciSeccompProfile"/>),
/// and its own pid, ipc, uts, mount and network namespaces (the network one made beforehand and wired to the host's
/// bridge, <see cref="RuncNetwork"/>, or a new, empty one: no network). The mounts, masked and read-only paths are
/// those of <c>runc spec</c>, as Docker's, with the container's own <c>/etc/hosts</c>, <c>/etc/hostname</c> and
/// <c>/etc/resolv.conf</c> bound read-only. Pure: the same input gives the same JSON.
/// </summary>
internal static class OciSpecBuilder
{
    /// <summary>Where the init process is bound in the container (podman binds its init there too).</summary>
    public const string InitMountPoint = "/dev/init";

    /// <summary>Docker's <c>PATH</c> for an image that sets none.</summary>
    public const string DefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    // Docker's default capabilities, kept when FN_DISABLE_HARDENING turns capdrop off.
    private static readonly string[] DockerDefaultCapabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    private static readonly string[] MaskedPaths =
    [
        "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
    ];

    private static readonly string[] ReadonlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

    /// <summary>The process's arguments: the image's entrypoint, then its command (Docker's rule); empty when the image has neither.</summary>
    public static IReadOnlyList<string> ArgsOf(IEnumerable<string>? entrypoint, IEnumerable<string>? cmd) =>
        [.. entrypoint ?? [], .. cmd ?? []];

    /// <summary>
    /// The process's environment: the image's, then <paramref name="environment"/> over it (the contract's
    /// <c>FN_*</c> variables and config, as the Docker driver passes them), with Docker's <c>PATH</c>, <c>HOME</c>
    /// and <c>HOSTNAME</c> when neither sets them. Keys keep the order of their first appearance.
    /// </summary>
    public static IReadOnlyList<string> EnvOf(IEnumerable<string>? imageEnv, IReadOnlyDictionary<string, string> environment, string hostname, string home)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var merged = new List<KeyValuePair<string, string>>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        void Set(string key, string value)
        {
            if (index.TryGetValue(key, out var at))
            {
                merged[at] = new(key, value);
            }
            else
            {
                index[key] = merged.Count;
                merged.Add(new(key, value));
            }
        }

        foreach (var line in imageEnv ?? [])
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                Set(line[..equals], line[(equals + 1)..]);
            }
        }

        foreach (var (key, value) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            Set(key, value);
        }

        if (!index.ContainsKey("PATH"))
        {
            Set("PATH", DefaultPath["PATH=".Length..]);
        }

        if (!index.ContainsKey("HOSTNAME"))
        {
            Set("HOSTNAME", hostname);
        }

        if (!index.ContainsKey("HOME"))
        {
            Set("HOME", home);
        }

        return [.. merged.Select(e => $"{e.Key}={e.Value}")];
    }

    /// <summary>The spec of one container.</summary>
    public static JsonObject Build(OciSpecInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var hardening = input.Hardening;
        var withInit = hardening.Init && input.InitPath is { Length: > 0 };
        IReadOnlyList<string> args = withInit ? [InitMountPoint, "--", .. input.Args] : input.Args;
        string[] capabilities = hardening.DropAllCapabilities ? [] : DockerDefaultCapabilities;
        string[] heldCapabilities = input.User.Uid == 0 ? capabilities : [];
        var process = new JsonObject
        {
            ["terminal"] = false,
            ["user"] = new JsonObject { ["uid"] = input.User.Uid, ["gid"] = input.User.Gid },
            ["args"] = Strings(args),
            ["env"] = Strings(input.Env),
            ["cwd"] = input.Cwd,
            ["capabilities"] = new JsonObject
            {
                ["bounding"] = Strings(capabilities),
                ["effective"] = Strings(heldCapabilities),
                ["permitted"] = Strings(heldCapabilities),
                ["inheritable"] = new JsonArray(),
                ["ambient"] = new JsonArray(),
            },
            ["rlimits"] = new JsonArray([.. hardening.Ulimits.OrderBy(u => u.Key, StringComparer.Ordinal).Select(u => (JsonNode)new JsonObject
            {
                ["type"] = "RLIMIT_" + u.Key.ToUpperInvariant(),
                ["hard"] = u.Value,
                ["soft"] = u.Value,
            })]),
            ["noNewPrivileges"] = hardening.NoNewPrivileges,
        };

        var mounts = new JsonArray
        {
            Mount("/proc", "proc", "proc", "nosuid", "noexec", "nodev"),
            Mount("/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k"),
            Mount("/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"),
            Mount("/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k"),
            Mount("/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev"),
            Mount("/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro"),
            Mount("/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime", "ro"),
        };
        if (hardening.TmpfsSizeMiB > 0)
        {
            // Docker's --tmpfs options.
            mounts.Add(Mount("/tmp", "tmpfs", "tmpfs", "nosuid", "nodev", "noexec", "mode=1777", string.Create(CultureInfo.InvariantCulture, $"size={hardening.TmpfsSizeMiB}m")));
        }

        mounts.Add(Mount("/tmp/iofs", "bind", input.IofsDir, "rbind", "rprivate", "rw"));
        foreach (var (destination, source) in input.FileMounts)
        {
            mounts.Add(Mount(destination, "bind", source, "rbind", "rprivate", "ro", "nosuid", "nodev", "noexec"));
        }

        if (withInit)
        {
            mounts.Add(Mount(InitMountPoint, "bind", input.InitPath!, "bind", "ro", "nosuid", "nodev"));
        }

        var memory = new JsonObject { ["limit"] = input.MemoryBytes };
        if (hardening.NoSwap)
        {
            memory["swap"] = input.MemoryBytes;
            if (!input.CgroupV2)
            {
                memory["swappiness"] = 0;
            }
        }

        var resources = new JsonObject
        {
            ["devices"] = new JsonArray(new JsonObject { ["allow"] = false, ["access"] = "rwm" }),
            ["memory"] = memory,
            ["cpu"] = new JsonObject { ["shares"] = DockerHardening.CpuSharesOf(input.MemoryBytes) },
        };
        if (hardening.PidsLimit > 0)
        {
            resources["pids"] = new JsonObject { ["limit"] = hardening.PidsLimit };
        }

        return new JsonObject
        {
            ["ociVersion"] = "1.0.2",
            ["process"] = process,
            ["root"] = new JsonObject { ["path"] = input.RootfsPath, ["readonly"] = hardening.ReadOnlyRootFilesystem },
            ["hostname"] = input.ContainerId,
            ["mounts"] = mounts,
            ["linux"] = new JsonObject
            {
                ["resources"] = resources,
                ["cgroupsPath"] = input.CgroupsPath,
                ["namespaces"] = new JsonArray([.. ((string[])["pid", "ipc", "uts", "mount"]).Select(n => (JsonNode)new JsonObject { ["type"] = n }), Network(input.NetworkNamespacePath)]),
                ["maskedPaths"] = Strings(MaskedPaths),
                ["readonlyPaths"] = Strings(ReadonlyPaths),
                ["seccomp"] = OciSeccompProfile.Build(),
            },
        };
    }

    private static JsonObject Network(string? path) =>
        path is null ? new JsonObject { ["type"] = "network" } : new JsonObject { ["type"] = "network", ["path"] = path };

    private static JsonObject Mount(string destination, string type, string source, params string[] options) => new()
    {
        ["destination"] = destination,
        ["type"] = type,
        ["source"] = source,
        ["options"] = Strings(options),
    };

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);
}
