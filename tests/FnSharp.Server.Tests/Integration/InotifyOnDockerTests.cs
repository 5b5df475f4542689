using System.Globalization;
using System.Net;
using FnSharp.Core.Models;
using FnSharp.Testing;
using FnSharp.Testing.Docker;
using Xunit.Abstractions;

namespace FnSharp.Server.Tests.Integration;

/// <summary>
/// Issue 15, case 7 (inotify exhaustion: 9 of 100 cold starts failed on a host near its 128 inotify instances,
/// one instance per starting container): on the real server, a child process of its own, and the real engine,
/// many cold starts at once are all served and take at most one inotify instance between them, read from the
/// server's <c>/proc</c> while they run; when the node has its instance, readiness is woken by it. The test does
/// not exhaust the host's instances itself: the limit is per user and shared with every other program of the user
/// (dockerd among them, one instance per container whose output is followed, when it runs as the same user), which
/// would fail meanwhile; the host may be exhausted already, and then the starts are served by the polling fallback
/// (<c>InotifyExhaustionTests</c> meets an exhausted host on purpose, for the few milliseconds a readiness wait takes
/// to set itself up).
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class InotifyOnDockerTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int ColdStarts = 12;

    private readonly string _dataDirectory = TestDirectories.Create("fnsharp-inotify-");
    private readonly string _node = "test-inotify-" + Guid.NewGuid().ToString("N")[..12];
    private readonly EngineProbe _engine = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _engine.RemoveContainersOfNodeAsync(_node);
        _engine.Dispose();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Invoke_ManyColdStartsAtOnce_ShareOneInotifyInstanceAndAreAllServed()
    {
        // The calls wait for their starts however loaded the host is: the test is about how readiness waits, not how fast.
        var settings = new Dictionary<string, string> { ["FN_MAX_WAIT_MSECS"] = "120000" };
        await using var server = await ServerChildProcess.StartAsync(_dataDirectory, _node, "server.log", settings);
        var client = new FnSharp.Client.FnSharpClient(server.Http);
        var app = await client.CreateAppAsync(new App { Name = "inotify" });
        var fns = new List<Fn>();
        for (var i = 0; i < ColdStarts; i++)
        {
            fns.Add(await client.CreateFnAsync(new Fn { Name = "f" + i.ToString(CultureInfo.InvariantCulture), AppId = app.Id, Image = "fnsharp/testfn:latest" }));
        }

        // The server's own instances before any start (none: it watches no file), and how many the user has left.
        var before = ProcessInotify.InstancesOf(server.ProcessId).Keys.ToHashSet();
        var free = ProcessInotify.UserLimit() - ProcessInotify.HeldByThisUser();
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(() => SampleAsync(server.ProcessId, before, sampling.Token));
        var calls = await Task.WhenAll(fns.Select(f => client.InvokeAsync(f.Id, """{"body":"up"}""")));
        await sampling.CancelAsync();
        var (mostNewInstances, mostWatches) = await sampler;
        await server.StopAsync();
        output.WriteLine($"{ColdStarts} cold starts at once, {free} of the host's {ProcessInotify.UserLimit()} inotify instances free for this user before them: "
            + $"at most {mostNewInstances} instance(s) beyond the server's {before.Count} of before, with up to {mostWatches} socket directories watched at once"
            + (mostNewInstances == 0 ? " (none free: readiness by polling)" : ""));

        Assert.All(calls, c => Assert.Equal((HttpStatusCode.OK, "up"), (c.StatusCode, c.Body)));
        Assert.InRange(mostNewInstances, 0, 1);

        // The node's instance, when it got one, is what readiness waited on: a watch per starting container's directory.
        Assert.True(mostNewInstances == 0 || mostWatches >= 1, $"an instance was taken but no socket directory watched ({mostWatches})");
    }

    /// <summary>Until cancelled: the most inotify instances the server held beyond <paramref name="before"/> at once, and the most watches they held at once.</summary>
    private static async Task<(int NewInstances, int Watches)> SampleAsync(int pid, HashSet<int> before, CancellationToken cancellationToken)
    {
        var (instances, watches) = (0, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = ProcessInotify.InstancesOf(pid).Where(i => !before.Contains(i.Key)).ToList();
            instances = Math.Max(instances, now.Count);
            watches = Math.Max(watches, now.Sum(i => i.Value));
            try
            {
                // A sampler, not a timing assertion: the waits it looks for last a few hundred milliseconds each.
                await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return (instances, watches);
    }
}
