using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace FnSharp.Docker.Runc;

/// <summary>
/// The outbound network of runc containers, what Docker's default bridge gives its containers: one Linux bridge per
/// host (<see cref="BridgeName"/>, holding the subnet's first address), a veth pair per container whose inside end is
/// <c>eth0</c> in a named network namespace (<c>ip netns</c>, <c>/run/netns/ID</c>) with a leased address and a default
/// route through the bridge, and masquerading of what leaves the subnet (<c>iptables</c> rules beside Docker's, which
/// also let the bridge's traffic through Docker's <c>FORWARD</c> policy). The namespace is made when the container is
/// created (for a container created ahead, before its call) and deleted with it. Addresses are leased host-wide by
/// files created exclusively under <c>net/leases/</c> of the driver's directory, so that the nodes of a host never
/// give one address twice.
/// </summary>
internal sealed class RuncNetwork
{
    /// <summary>The host's bridge of runc containers, shared by the nodes of the host (Docker's is <c>docker0</c>).</summary>
    public const string BridgeName = "fnsharp0";

    /// <summary>The name servers Docker writes when the host has none a container can reach.</summary>
    public static readonly IReadOnlyList<string> FallbackNameServers = ["8.8.8.8", "8.8.4.4"];

    // IPv4 forwarding, which Docker turns on too.
    private const string IpForwarding = "/proc/sys/net/ipv4/ip_forward";

    // One set-up of the bridge and its rules at a time in the process (the drivers of a test run share them).
    private static readonly SemaphoreSlim BridgeLock = new(1, 1);

    // A lease whose namespace was never made, left by a node that died between the two: freed after this long.
    private static readonly TimeSpan StaleLeaseAge = TimeSpan.FromMinutes(1);

    private readonly string _ip;
    private readonly string _iptables;
    private readonly IPNetwork _subnet;
    private readonly IPAddress _gateway;
    private readonly string _leasesDir;
    private readonly string _node;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, string> _leases = new(StringComparer.Ordinal);
    private volatile bool _bridgeReady;
    private uint _next = (uint)Random.Shared.Next();

    public RuncNetwork(IPNetwork subnet, string stateDir, string node, TimeProvider time, ILogger logger)
    {
        _subnet = subnet;
        _gateway = Offset(subnet, 1);
        _leasesDir = Path.Combine(stateDir, "net", "leases");
        _node = node;
        _time = time;
        _logger = logger;
        _ip = RuncDriverOptions.FindProgram("ip") ?? "ip";
        _iptables = RuncDriverOptions.FindProgram("iptables") ?? "iptables";
    }

    /// <summary>The bridge's address, the containers' gateway.</summary>
    public IPAddress Gateway => _gateway;

    /// <summary>The path of the network namespace of container <paramref name="containerId"/>.</summary>
    public static string NamespacePath(string containerId) => Path.Combine("/run/netns", containerId);

    /// <summary>
    /// Makes the network namespace of container <paramref name="containerId"/> (named as it), wired to the bridge with
    /// an address of the subnet; the bridge and its rules first, once.
    /// </summary>
    /// <returns>The container's address.</returns>
    /// <exception cref="ContainerStartException"><see cref="ContainerStartError.EngineUnavailable"/> when the host's network cannot be set up (naming the command and its error) or the subnet is full.</exception>
    public async Task<IPAddress> AttachAsync(string containerId, CancellationToken cancellationToken)
    {
        await EnsureBridgeAsync(cancellationToken);
        var address = Lease(containerId);
        try
        {
            var hostEnd = "fsh" + containerId[^12..];
            // Not cancelled half way: a namespace made after its removal would stay.
            await IpAsync(null, $"netns add {containerId}\nlink add {hostEnd} type veth peer name eth0 netns {containerId}\nlink set {hostEnd} master {BridgeName} up\n", CancellationToken.None);
            await IpAsync(containerId, $"link set lo up\naddr add {address}/{_subnet.PrefixLength} dev eth0\nlink set eth0 up\nroute add default via {_gateway}\n", CancellationToken.None);
            return address;
        }
        catch
        {
            await DetachAsync(containerId);
            throw;
        }
    }

    /// <summary>Deletes the container's network namespace (its veth pair goes with it) and frees its address; what is gone is done.</summary>
    public async Task DetachAsync(string containerId)
    {
        if (File.Exists(NamespacePath(containerId)))
        {
            var (code, _, error) = await HostCommand.RunAsync(_ip, ["netns", "delete", containerId], null, CancellationToken.None);
            if (code != 0 && File.Exists(NamespacePath(containerId)))
            {
                RuncLog.CommandFailed(_logger, "ip netns delete", containerId, error);
                return;
            }
        }

        if (_leases.TryRemove(containerId, out var lease))
        {
            File.Delete(lease);
        }
    }

    /// <summary>
    /// At start-up: the namespaces and addresses of this node's containers that an earlier run left, and the leases of
    /// any node whose namespace was never made (a node that died between the two).
    /// </summary>
    public async Task RemoveLeftoversAsync()
    {
        if (!Directory.Exists(_leasesDir))
        {
            return;
        }

        foreach (var lease in Directory.GetFiles(_leasesDir))
        {
            string[] owner;
            try
            {
                owner = (await File.ReadAllTextAsync(lease)).Split(' ', 2);
            }
            catch (FileNotFoundException)
            {
                continue;
            }

            if (owner is not [var node, var id])
            {
                continue;
            }

            if (node == _node)
            {
                _leases[id] = lease;
                await DetachAsync(id);
            }
            else if (!File.Exists(NamespacePath(id)) && _time.GetUtcNow() - File.GetLastWriteTimeUtc(lease) > StaleLeaseAge)
            {
                File.Delete(lease);
            }
        }
    }

    /// <summary>
    /// The container's <c>/etc/hosts</c>, <c>/etc/hostname</c> and <c>/etc/resolv.conf</c>, written into its bundle
    /// and bind-mounted read-only, as Docker writes and mounts them.
    /// </summary>
    /// <returns>The mounts: each file's place in the container and on the host.</returns>
    public static async Task<IReadOnlyList<(string Destination, string Source)>> WriteEtcFilesAsync(string bundleDir, string hostname, IPAddress address, CancellationToken cancellationToken)
    {
        var host = ReadOrNull("/etc/resolv.conf");
        var systemd = ReadOrNull("/run/systemd/resolve/resolv.conf");
        (string Name, string Text)[] files =
        [
            ("hosts", HostsFile(hostname, address)),
            ("hostname", hostname + "\n"),
            ("resolv.conf", ResolvConf(host, systemd)),
        ];
        var mounts = new List<(string, string)>();
        foreach (var (name, text) in files)
        {
            var source = Path.Combine(bundleDir, name);
            await File.WriteAllTextAsync(source, text, cancellationToken);
            File.SetUnixFileMode(source, (UnixFileMode)0b110_100_100);
            mounts.Add(("/etc/" + name, source));
        }

        return mounts;
    }

    /// <summary>A container's <c>/etc/hosts</c>: the loopback names Docker writes, then the container's own address and name.</summary>
    public static string HostsFile(string hostname, IPAddress address) =>
        "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n"
        + $"{address}\t{hostname}\n";

    /// <summary>
    /// A container's <c>/etc/resolv.conf</c> from the host's, by Docker's rules: the host's lines without its loopback
    /// and IPv6 name servers (the container reaches neither); systemd-resolved's list of upstream servers when the
    /// host's only server is its local stub; Google's public servers (<see cref="FallbackNameServers"/>) when none is left.
    /// </summary>
    /// <param name="host">The host's <c>/etc/resolv.conf</c>, or <see langword="null"/> when it has none.</param>
    /// <param name="systemdResolved">systemd-resolved's <c>/run/systemd/resolve/resolv.conf</c>, or <see langword="null"/>.</param>
    public static string ResolvConf(string? host, string? systemdResolved)
    {
        var lines = Lines(host);
        if (systemdResolved is not null && NameServers(lines).All(s => IsLoopback(s)) && NameServers(Lines(systemdResolved)).Any())
        {
            lines = Lines(systemdResolved);
        }

        var kept = lines.Where(line => NameServer(line) is not { } server || IsReachable(server)).ToList();
        if (!NameServers(kept).Any())
        {
            kept.AddRange(FallbackNameServers.Select(s => "nameserver " + s));
        }

        var text = new StringBuilder();
        foreach (var line in kept)
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }

    private static List<string> Lines(string? text) => [.. (text ?? string.Empty).Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0)];

    private static IEnumerable<string> NameServers(IEnumerable<string> lines) => lines.Select(NameServer).OfType<string>();

    private static string? NameServer(string line) =>
        line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries) is ["nameserver", var server, ..] ? server : null;

    private static bool IsLoopback(string server) => IPAddress.TryParse(server, out var address) && IPAddress.IsLoopback(address);

    private static bool IsReachable(string server) =>
        IPAddress.TryParse(server, out var address) && address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(address);

    private static string? ReadOrNull(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The address <paramref name="offset"/> after the subnet's first.</summary>
    private static IPAddress Offset(IPNetwork subnet, uint offset)
    {
        Span<byte> bytes = stackalloc byte[4];
        subnet.BaseAddress.TryWriteBytes(bytes, out _);
        var value = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes) + offset;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes);
    }

    /// <summary>A free address of the subnet (neither its first two nor its last), leased to the container by a file created exclusively.</summary>
    private IPAddress Lease(string containerId)
    {
        Directory.CreateDirectory(_leasesDir);
        var count = (1u << (32 - _subnet.PrefixLength)) - 3;
        for (uint tried = 0; tried < count; tried++)
        {
            var address = Offset(_subnet, 2 + (Interlocked.Increment(ref _next) % count));
            var lease = Path.Combine(_leasesDir, address.ToString());
            try
            {
                using (var file = new FileStream(lease, FileMode.CreateNew, FileAccess.Write))
                {
                    file.Write(Encoding.UTF8.GetBytes(_node + " " + containerId));
                }

                _leases[containerId] = lease;
                return address;
            }
            catch (IOException) when (File.Exists(lease))
            {
                // Leased to another container, maybe of another node.
            }
        }

        throw new ContainerStartException(ContainerStartError.EngineUnavailable, $"every address of FN_RUNC_SUBNET {_subnet} is leased to a container ({count.ToString(CultureInfo.InvariantCulture)}): set a larger subnet");
    }

    /// <summary>The bridge, its address, IPv4 forwarding and the masquerading and forwarding rules, each made only when missing.</summary>
    private async Task EnsureBridgeAsync(CancellationToken cancellationToken)
    {
        if (_bridgeReady)
        {
            return;
        }

        await BridgeLock.WaitAsync(cancellationToken);
        try
        {
            if (_bridgeReady)
            {
                return;
            }

            var (code, _, error) = await HostCommand.RunAsync(_ip, ["link", "add", BridgeName, "type", "bridge"], null, cancellationToken);
            if (code != 0 && !error.Contains("File exists", StringComparison.Ordinal))
            {
                throw SetupFailed($"ip link add {BridgeName} type bridge", error);
            }

            await IpAsync(null, $"addr replace {_gateway}/{_subnet.PrefixLength} dev {BridgeName}\nlink set {BridgeName} up\n", cancellationToken);
            if ((await File.ReadAllTextAsync(IpForwarding, cancellationToken)).Trim() != "1")
            {
                await File.WriteAllTextAsync(IpForwarding, "1", cancellationToken);
            }

            string[][] rules =
            [
                ["-t", "nat", "POSTROUTING", "-s", _subnet.ToString(), "!", "-o", BridgeName, "-j", "MASQUERADE"],
                ["-t", "filter", "FORWARD", "-o", BridgeName, "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "ACCEPT"],
                ["-t", "filter", "FORWARD", "-i", BridgeName, "-j", "ACCEPT"],
            ];
            foreach (var rule in rules)
            {
                string[] check = ["-w", rule[0], rule[1], "-C", .. rule[2..]];
                if ((await HostCommand.RunAsync(_iptables, check, null, cancellationToken)).ExitCode == 0)
                {
                    continue;
                }

                string[] insert = ["-w", rule[0], rule[1], "-I", .. rule[2..]];
                var (added, _, why) = await HostCommand.RunAsync(_iptables, insert, null, cancellationToken);
                if (added != 0)
                {
                    throw SetupFailed("iptables " + string.Join(' ', insert), why);
                }
            }

            _bridgeReady = true;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw SetupFailed("ip or iptables", e.Message);
        }
        finally
        {
            BridgeLock.Release();
        }
    }

    /// <summary><c>ip -batch -</c> of <paramref name="commands"/>, in the network namespace <paramref name="netns"/> when one is named.</summary>
    private async Task IpAsync(string? netns, string commands, CancellationToken cancellationToken)
    {
        string[] args = netns is null ? ["-batch", "-"] : ["-n", netns, "-batch", "-"];
        var (code, _, error) = await HostCommand.RunAsync(_ip, args, commands, cancellationToken);
        if (code != 0)
        {
            throw SetupFailed($"ip {string.Join(' ', args)} of '{commands.Trim().Replace('\n', ';')}'", error);
        }
    }

    private static ContainerStartException SetupFailed(string command, string error) =>
        new(ContainerStartError.EngineUnavailable, $"the runc driver could not set up the container network: {command} failed: {error} (install Debian's iproute2 and iptables, or set FN_DOCKER_NETWORKS=none for containers without a network)");
}
