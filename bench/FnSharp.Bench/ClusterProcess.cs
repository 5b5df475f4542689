using System.Diagnostics;
using System.Globalization;

namespace FnSharp.Bench;

/// <summary>
/// A local cluster started by <c>scripts/cluster.sh up N</c> for the cluster scenario: PostgreSQL of its
/// own, N nodes of the Release server and HAProxy with the given balance, node names unique to the run;
/// <c>scripts/cluster.sh down</c> at dispose leaves no container.
/// </summary>
internal sealed class ClusterProcess : IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment;

    private ClusterProcess(Dictionary<string, string> environment, Uri balancer, IReadOnlyList<(string Name, Uri Url)> nodes)
    {
        _environment = environment;
        Balancer = balancer;
        Nodes = nodes;
        Http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 2000 }) { BaseAddress = balancer, Timeout = TimeSpan.FromSeconds(120) };
    }

    /// <summary>The load balancer's URL.</summary>
    public Uri Balancer { get; }

    /// <summary>Each node's name and URL (straight, not through the load balancer).</summary>
    public IReadOnlyList<(string Name, Uri Url)> Nodes { get; }

    /// <summary>HTTP through the load balancer.</summary>
    public HttpClient Http { get; }

    /// <summary>Starts <paramref name="count"/> nodes of <paramref name="serverDll"/> behind HAProxy balancing by <paramref name="balance"/> (<c>hash</c> or <c>roundrobin</c>).</summary>
    public static async Task<ClusterProcess> StartAsync(string serverDll, string prefix, int count, string balance, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string>(settings)
        {
            ["FNSHARP_CLUSTER_DIR"] = Directory.CreateTempSubdirectory("fnsharp-bench-cluster-").FullName,
            ["FNSHARP_CLUSTER_NAME"] = prefix,
            ["FNSHARP_CLUSTER_BALANCE"] = balance,
            ["FNSHARP_CLUSTER_PORT"] = (21000 + Random.Shared.Next(0, 200) * 20).ToString(CultureInfo.InvariantCulture),
            ["FNSHARP_SERVER_DLL"] = serverDll,
            ["FN_LOG_LEVEL"] = "warn",
        };
        var up = await RunAsync(environment, cancellationToken, "up", count.ToString(CultureInfo.InvariantCulture));
        var balancer = new Uri(up.TrimEnd().Split('\n')[^1]);
        var status = await RunAsync(environment, cancellationToken, "status");
        var nodes = status.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(' ')).Select(f => (f[0], new Uri(f[1]))).ToList();
        Console.Error.WriteLine($"bench: cluster of {count} ({balance}) at {balancer} (state {environment["FNSHARP_CLUSTER_DIR"]})");
        return new ClusterProcess(environment, balancer, nodes);
    }

    /// <summary>The sum over every node of metric <paramref name="name"/> (the series whose labels hold <paramref name="label"/>, when given).</summary>
    public async Task<double> MetricAsync(string name, CancellationToken cancellationToken, string? label = null)
    {
        double sum = 0;
        foreach (var (_, url) in Nodes)
        {
            sum += PrometheusText.Sum(await Http.GetStringAsync(new Uri(url, "/metrics"), cancellationToken), name, label);
        }

        return sum;
    }

    /// <summary>The same metric node by node, in node order.</summary>
    public async Task<List<double>> MetricByNodeAsync(string name, CancellationToken cancellationToken, string? label = null)
    {
        var values = new List<double>();
        foreach (var (_, url) in Nodes)
        {
            values.Add(PrometheusText.Sum(await Http.GetStringAsync(new Uri(url, "/metrics"), cancellationToken), name, label));
        }

        return values;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await RunAsync(_environment, CancellationToken.None, "down");
        Directory.Delete(_environment["FNSHARP_CLUSTER_DIR"], recursive: true);
    }

    private static async Task<string> RunAsync(Dictionary<string, string> environment, CancellationToken cancellationToken, params string[] args)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.GetFullPath("scripts/cluster.sh"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start scripts/cluster.sh");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode == 0
            ? await stdout
            : throw new InvalidOperationException($"scripts/cluster.sh {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr}");
    }
}
