using System.Net;
using System.Net.Sockets;
using FnSharp.Docker.Runc;
using FnSharp.Testing;
using FnSharp.Testing.Docker;

namespace FnSharp.Docker.Tests.Runc;

/// <summary>
/// A runc container on the real runtime seen from a process inside a running Node FDK container (<c>runc exec</c>:
/// the fn's user, namespaces and seccomp profile): its network (the host reached on the bridge, its own name and the
/// host's name servers in its files, a public name resolved when the host resolves it, all of it gone with the
/// container) and, with <c>FN_DOCKER_NETWORKS=none</c>, none; the seccomp profile refusing a new user namespace while
/// the FDK serves.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class RuncInsideContainerTests(RuncStateDir state) : RuncTestClass(state), IClassFixture<RuncStateDir>
{
    private const string NodeImage = "fnsharp/hello-node:latest";

    [SkippableFact]
    public async Task StartAsync_NodeFdkFn_ReachesAListenerOnTheHostsBridgeAddress()
    {
        RuncProbe.SkipUnlessAvailable();
        var container = await StartNodeFnAsync();
        using var listener = new TcpListener(IPAddress.Parse("10.213.0.1"), 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = listener.AcceptTcpClientAsync();

        var script = $"const s = require('net').connect({port}, '10.213.0.1', () => s.end('from ' + require('os').hostname())); s.on('error', e => {{ console.error(e.message); process.exit(1); }});";
        var exec = Runc.ExecAsync(container.Id, "node", "-e", script);
        string received;
        EndPoint? from;
        using (var client = await accepted.WaitAsync(Guard))
        using (var reader = new StreamReader(client.GetStream()))
        {
            received = await reader.ReadToEndAsync().WaitAsync(Guard);
            from = client.Client.RemoteEndPoint;
        }

        var (exitCode, _, error) = await exec.WaitAsync(Guard);

        Assert.Equal((0, string.Empty), (exitCode, error));
        Assert.Equal("from " + container.Id, received);
        Assert.StartsWith("10.213.", ((IPEndPoint)from!).Address.ToString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task StartAsync_NodeFdkFn_ItsOwnNameAndTheHostsNameServersInItsFiles()
    {
        RuncProbe.SkipUnlessAvailable();
        var container = await StartNodeFnAsync();

        var hosts = await Runc.ExecAsync(container.Id, "getent", "hosts", container.Id).WaitAsync(Guard);
        var hostname = await Runc.ExecAsync(container.Id, "cat", "/etc/hostname").WaitAsync(Guard);
        var resolv = await Runc.ExecAsync(container.Id, "cat", "/etc/resolv.conf").WaitAsync(Guard);

        Assert.Matches($@"^10\.213\.\d+\.\d+\s+{container.Id}$", hosts.Output);
        Assert.Equal(container.Id, hostname.Output);
        Assert.Equal(RuncNetwork.ResolvConf(File.ReadAllText("/etc/resolv.conf"), File.Exists("/run/systemd/resolve/resolv.conf") ? File.ReadAllText("/run/systemd/resolve/resolv.conf") : null).Trim(), resolv.Output);
    }

    [SkippableFact]
    public async Task StartAsync_HostResolvesAPublicName_TheFnResolvesItThroughTheBridge()
    {
        RuncProbe.SkipUnlessAvailable();
        const string name = "deb.debian.org";
        Skip.If(!await ResolvesAsync(name), $"the host itself does not resolve {name} (no reachable name server here)");
        var container = await StartNodeFnAsync();

        var resolved = await Runc.ExecAsync(container.Id, "getent", "hosts", name).WaitAsync(Guard);

        Assert.Equal(0, resolved.ExitCode);
        Assert.Contains(name, resolved.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task StartAsync_NodeFdkFn_ANewUserNamespaceRefusedBySeccompWhileTheFdkServes()
    {
        RuncProbe.SkipUnlessAvailable();
        var container = await StartNodeFnAsync();

        // Allowed to an unprivileged process without the profile (user namespaces are on here): only the profile refuses it.
        var unshare = await Runc.ExecAsync(container.Id, "unshare", "--user", "true").WaitAsync(Guard);
        using var response = await TestFnContainers.CallAsync(container, "call-seccomp", """{"name":"Seccomp"}""");
        var init = Runc.State(container.Id).Pid;
        var fn = int.Parse(File.ReadAllText($"/proc/{init}/task/{init}/children").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var seccomp = File.ReadAllLines($"/proc/{fn}/status").Single(l => l.StartsWith("Seccomp:", StringComparison.Ordinal));

        Assert.NotEqual(0, unshare.ExitCode);
        Assert.Contains("Operation not permitted", unshare.Error, StringComparison.Ordinal);
        Assert.Equal("Seccomp:\t2", seccomp);
        Assert.Equal("""{"message":"Hello, Seccomp!"}""", await response.Content.ReadAsStringAsync());
    }

    [SkippableFact]
    public async Task RemoveAsync_ContainerWithANetwork_ItsNamespaceAndAddressFreed()
    {
        RuncProbe.SkipUnlessAvailable();
        var container = await Runc.Driver.CreateAsync(TestFnContainers.Spec(TestFnContainers.TestFnImage), CancellationToken.None);
        await container.StartAsync(CancellationToken.None).WaitAsync(Guard);
        var leases = Path.Combine(Runc.StateDir, "net", "leases");
        var lease = Directory.GetFiles(leases).Single(f => File.ReadAllText(f) == Runc.Node + " " + container.Id);
        var hadNamespace = File.Exists(RuncNetwork.NamespacePath(container.Id));

        await container.RemoveAsync(CancellationToken.None).WaitAsync(Guard);

        Assert.True(hadNamespace);
        Assert.False(File.Exists(RuncNetwork.NamespacePath(container.Id)));
        Assert.False(File.Exists(lease));
    }

    [SkippableFact]
    public async Task StartAsync_NetworkNone_OnlyLoopbackAndNoNamespaceMade()
    {
        RuncProbe.SkipUnlessAvailable();
        await using var isolated = new RuncTestDriver(o => o with { Network = "none" }, stateDir: State.Path);
        var container = await isolated.Driver.CreateAsync(TestFnContainers.Spec(TestFnContainers.TestFnImage), CancellationToken.None);
        await container.StartAsync(CancellationToken.None).WaitAsync(Guard);

        var fn = isolated.State(container.Id).Pid;
        var interfaces = File.ReadAllLines($"/proc/{fn}/net/dev").Skip(2).Select(l => l.Split(':')[0].Trim()).ToList();

        Assert.Equal(["lo"], interfaces);
        Assert.False(File.Exists(RuncNetwork.NamespacePath(container.Id)));
    }

    private async Task<FnSharp.Agent.Drivers.IFnContainer> StartNodeFnAsync()
    {
        var container = await Runc.Driver.CreateAsync(TestFnContainers.Spec(NodeImage), CancellationToken.None);
        await container.StartAsync(CancellationToken.None).WaitAsync(Guard);
        return container;
    }

    private static async Task<bool> ResolvesAsync(string name)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            return (await Dns.GetHostAddressesAsync(name, AddressFamily.InterNetwork, timeout.Token)).Length > 0;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
