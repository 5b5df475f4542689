using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace FnSharp.Docker.Runc;

/// <summary>
/// FnSharp's seccomp profile of runc containers (the spec's <c>linux.seccomp</c>): every system call is allowed but
/// those that reach what the container's namespaces do not isolate, each refused with <c>EPERM</c> (<c>clone3</c>
/// with <c>ENOSYS</c>, so that the C library falls back to <c>clone</c>, whose flags a filter can read). Written from
/// the kernel's manual pages, not copied from Docker's profile, which allows a list instead: this one is a deny list,
/// narrower than Docker's in that a system call added by a newer kernel is allowed until it is listed here.
/// </summary>
internal static class OciSeccompProfile
{
    /// <summary>The errno of a refused call: <c>EPERM</c>, what the call returns without the privilege it needs.</summary>
    public const int Eperm = 1;

    /// <summary>The errno of <c>clone3</c>: <c>ENOSYS</c>, on which glibc and musl fall back to <c>clone</c>.</summary>
    public const int Enosys = 38;

    /// <summary>
    /// The namespace flags of <c>clone(2)</c> and <c>unshare(2)</c>: <c>CLONE_NEWTIME</c>, <c>CLONE_NEWNS</c>,
    /// <c>CLONE_NEWCGROUP</c>, <c>CLONE_NEWUTS</c>, <c>CLONE_NEWIPC</c>, <c>CLONE_NEWUSER</c>, <c>CLONE_NEWPID</c>,
    /// <c>CLONE_NEWNET</c>. A new user namespace gives back every capability inside it, and with them the kernel's
    /// namespaced code paths (mounts, netfilter, BPF) that most container escapes go through.
    /// </summary>
    public static IReadOnlyList<long> NamespaceFlags { get; } = [0x80, 0x20000, 0x2000000, 0x4000000, 0x8000000, 0x10000000, 0x20000000, 0x40000000];

    /// <summary>The system calls refused whatever their arguments, by why.</summary>
    public static IReadOnlyList<(string Why, string[] Names)> Refused { get; } =
    [
        // keyrings(7): the kernel's keyrings are not namespaced; a container could read or fill the host's.
        ("kernel keyrings", ["add_key", "keyctl", "request_key"]),

        // kexec_load(2), reboot(2), init_module(2), delete_module(2): replace or change the running kernel.
        ("the kernel itself", ["kexec_load", "kexec_file_load", "reboot", "init_module", "finit_module", "delete_module", "create_module", "get_kernel_syms", "query_module"]),

        // mount(2), umount(2), pivot_root(2) and the mount API of Linux 5.2 (fsopen(2), open_tree(2), ...): the file system tree.
        ("mounts", ["mount", "umount", "umount2", "pivot_root", "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr"]),

        // setns(2): joining another namespace; unshare(2) and clone(2) with namespace flags are refused below.
        ("namespaces", ["setns"]),

        // bpf(2), perf_event_open(2), userfaultfd(2), io_uring_setup(2): wide kernel interfaces behind many local exploits.
        ("kernel attack surface", ["bpf", "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register", "lookup_dcookie"]),

        // open_by_handle_at(2): opens a host file by its handle, outside the container's root (the "shocker" escape).
        ("file handles", ["open_by_handle_at"]),

        // The host's clock, swap, accounting, quotas, I/O ports, console and old interfaces: host-wide state.
        ("host-wide state", ["settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "stime", "swapon", "swapoff", "acct", "quotactl", "quotactl_fd", "iopl", "ioperm", "syslog", "vhangup", "nfsservctl", "uselib", "ustat", "sysfs", "_sysctl", "vm86", "vm86old", "fanotify_init"]),
    ];

    /// <summary>The profile as the spec's <c>linux.seccomp</c> object, for the host's architecture with its 32-bit ABIs (x86-64 or arm64).</summary>
    public static JsonObject Build()
    {
        var rules = new JsonArray
        {
            Rule(Refused.SelectMany(r => r.Names).Order(StringComparer.Ordinal), Eperm),
            Rule(["clone3"], Enosys),
        };

        // One rule per flag: a call is refused when any namespace flag is set (libseccomp ORs rules of one call).
        foreach (var flag in NamespaceFlags)
        {
            rules.Add(Rule(["unshare"], Eperm, new JsonObject { ["index"] = 0, ["value"] = flag, ["valueTwo"] = flag, ["op"] = "SCMP_CMP_MASKED_EQ" }));
            rules.Add(Rule(["clone"], Eperm, new JsonObject { ["index"] = 0, ["value"] = flag, ["valueTwo"] = flag, ["op"] = "SCMP_CMP_MASKED_EQ" }));
        }

        return new JsonObject
        {
            ["defaultAction"] = "SCMP_ACT_ALLOW",
            ["architectures"] = RuntimeInformation.OSArchitecture == Architecture.Arm64
                ? new JsonArray("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM")
                : new JsonArray("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"),
            ["syscalls"] = rules,
        };
    }

    private static JsonObject Rule(IEnumerable<string> names, int errno, JsonObject? argument = null)
    {
        var rule = new JsonObject
        {
            ["names"] = new JsonArray([.. names.Select(n => (JsonNode)JsonValue.Create(n))]),
            ["action"] = "SCMP_ACT_ERRNO",
            ["errnoRet"] = errno,
        };
        if (argument is not null)
        {
            rule["args"] = new JsonArray(argument);
        }

        return rule;
    }
}
