namespace FnSharp.Docker;

/// <summary>
/// The hardening of fn containers (<c>fn-compat.md</c> section 4, as Fn's Docker driver applies it); each
/// part can be turned off. The defaults are Fn's.
/// </summary>
public sealed record ContainerHardening
{
    /// <summary>The user the container runs as (<c>uid:gid</c>), default <c>1000:1000</c>; null or empty keeps the image's user.</summary>
    public string? User { get; init; } = "1000:1000";

    /// <summary>Whether every Linux capability is dropped (<c>--cap-drop ALL</c>).</summary>
    public bool DropAllCapabilities { get; init; } = true;

    /// <summary>Whether processes may not gain privileges (<c>--security-opt no-new-privileges</c>).</summary>
    public bool NoNewPrivileges { get; init; } = true;

    /// <summary>Whether the root filesystem is read-only (<c>--read-only</c>).</summary>
    public bool ReadOnlyRootFilesystem { get; init; } = true;

    /// <summary>The size of the tmpfs mounted at <c>/tmp</c>, in MiB (default 64); 0 mounts none.</summary>
    public int TmpfsSizeMiB { get; init; } = 64;

    /// <summary>Whether an init process (Docker's <c>docker-init</c>) runs as PID 1 and reaps the function's children (<c>--init</c>).</summary>
    public bool Init { get; init; } = true;

    /// <summary>
    /// Whether swap is denied: the memory+swap limit equals the memory limit and swappiness is 0. The
    /// memory limit itself always applies.
    /// </summary>
    public bool NoSwap { get; init; } = true;

    /// <summary>The most processes and threads the container may have (default 50); 0 sets no limit.</summary>
    public long PidsLimit { get; init; } = 50;

    /// <summary>The resource limits (soft = hard) of the container's processes, by <c>ulimit</c> name; empty sets none.</summary>
    public IReadOnlyDictionary<string, long> Ulimits { get; init; } = DefaultUlimits;

    /// <summary>Fn's ulimits: <c>nofile</c> 350, <c>memlock</c> 65536, <c>sigpending</c> 5000, <c>msgqueue</c> 819200.</summary>
    public static IReadOnlyDictionary<string, long> DefaultUlimits { get; } = new Dictionary<string, long>(StringComparer.Ordinal)
    {
        ["nofile"] = 350,
        ["memlock"] = 65536,
        ["sigpending"] = 5000,
        ["msgqueue"] = 819200,
    };

    /// <summary>
    /// The names of the parts that <see cref="Without"/> turns off (the server's <c>FN_DISABLE_HARDENING</c>):
    /// <c>user</c>, <c>capdrop</c>, <c>nonewprivileges</c>, <c>readonly</c>, <c>tmpfs</c>, <c>init</c>,
    /// <c>noswap</c>, <c>pids</c>, <c>ulimits</c>; <c>all</c> names every one.
    /// </summary>
    public static IReadOnlyList<string> PartNames { get; } = ["user", "capdrop", "nonewprivileges", "readonly", "tmpfs", "init", "noswap", "pids", "ulimits"];

    /// <summary>No hardening at all: the image's user, default capabilities, writable root, no limits but memory.</summary>
    public static ContainerHardening None { get; } = new()
    {
        User = null,
        DropAllCapabilities = false,
        NoNewPrivileges = false,
        ReadOnlyRootFilesystem = false,
        TmpfsSizeMiB = 0,
        Init = false,
        NoSwap = false,
        PidsLimit = 0,
        Ulimits = new Dictionary<string, long>(),
    };

    /// <summary>This hardening with the parts named in <paramref name="parts"/> (<see cref="PartNames"/>, or <c>all</c>) turned off.</summary>
    /// <exception cref="ArgumentException">A name is not a part.</exception>
    public ContainerHardening Without(IEnumerable<string> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var off = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            if (part == "all")
            {
                off.UnionWith(PartNames);
            }
            else if (PartNames.Contains(part, StringComparer.Ordinal))
            {
                off.Add(part);
            }
            else
            {
                throw new ArgumentException($"'{part}' is not a hardening part: use all, {string.Join(", ", PartNames)}.", nameof(parts));
            }
        }

        return this with
        {
            User = off.Contains("user") ? null : User,
            DropAllCapabilities = DropAllCapabilities && !off.Contains("capdrop"),
            NoNewPrivileges = NoNewPrivileges && !off.Contains("nonewprivileges"),
            ReadOnlyRootFilesystem = ReadOnlyRootFilesystem && !off.Contains("readonly"),
            TmpfsSizeMiB = off.Contains("tmpfs") ? 0 : TmpfsSizeMiB,
            Init = Init && !off.Contains("init"),
            NoSwap = NoSwap && !off.Contains("noswap"),
            PidsLimit = off.Contains("pids") ? 0 : PidsLimit,
            Ulimits = off.Contains("ulimits") ? new Dictionary<string, long>() : Ulimits,
        };
    }
}
