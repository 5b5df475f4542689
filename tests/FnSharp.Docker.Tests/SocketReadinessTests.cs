using System.Net.Sockets;
using FnSharp.Agent.Drivers;
using FnSharp.Testing;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Docker.Tests;

/// <summary>The readiness wait on a real directory and real sockets, with a fake clock: no container needed.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class SocketReadinessTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly string _directory = TestDirectories.Create("fnsharp-ready-");
    private readonly FakeTimeProvider _time = new();
    private readonly TaskCompletionSource<ContainerExit> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Socket> _sockets = [];

    public void Dispose()
    {
        _sockets.ForEach(s => s.Dispose());
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task WaitAsync_LinkToAListeningSocketAppearsLater_Ready()
    {
        var waiting = WaitAsync();
        Assert.False(waiting.IsCompleted);

        Listen("phonylsnr.sock");
        File.CreateSymbolicLink(Path.Combine(_directory, "lsnr.sock"), "phonylsnr.sock");

        await waiting;
    }

    [Fact]
    public async Task WaitAsync_PlainListeningSocket_Ready()
    {
        Listen("lsnr.sock");

        await WaitAsync();
    }

    [Theory]
    [InlineData("/tmp/elsewhere.sock", "lsnr.sock is a symbolic link to '/tmp/elsewhere.sock'; the http-stream contract requires a link to a file name in the same directory (such as phonylsnr.sock), not a path")]
    [InlineData("../phonylsnr.sock", "lsnr.sock is a symbolic link to '../phonylsnr.sock'; the http-stream contract requires a link to a file name in the same directory (such as phonylsnr.sock), not a path")]
    [InlineData("regular", "lsnr.sock is a symbolic link to 'regular', which is not a unix socket")]
    [InlineData("missing", "lsnr.sock is a symbolic link to 'missing', which does not exist")]
    public async Task WaitAsync_LinkFailsTheChecks_InitFailed(string target, string why)
    {
        File.WriteAllText(Path.Combine(_directory, "regular"), "x");
        File.CreateSymbolicLink(Path.Combine(_directory, "lsnr.sock"), target);

        var e = await Assert.ThrowsAsync<ContainerStartException>(WaitAsync);

        Assert.Equal((ContainerStartError.InitFailed, why), (e.Error, e.Reason));
        Assert.Equal("container c1 created an invalid lsnr.sock: " + why, e.Message);
    }

    [Fact]
    public async Task WaitAsync_RegularFile_InitFailed()
    {
        File.WriteAllText(Path.Combine(_directory, "lsnr.sock"), "x");

        var e = await Assert.ThrowsAsync<ContainerStartException>(WaitAsync);

        Assert.Equal(("container c1 created an invalid lsnr.sock: lsnr.sock is not a unix socket", "lsnr.sock is not a unix socket"), (e.Message, e.Reason));
    }

    [Fact]
    public async Task WaitAsync_ContainerOomKilledWhileWaiting_OutOfMemoryAtOnce()
    {
        var waiting = WaitAsync();

        _exit.SetResult(new ContainerExit { ExitCode = 137, OomKilled = true, StderrTail = ["a", "b"] });

        var e = await Assert.ThrowsAsync<ContainerStartException>(() => waiting);
        Assert.Equal(ContainerStartError.OutOfMemory, e.Error);
        Assert.Equal("container c1 ran out of memory (OOM-killed) before it created lsnr.sock; last stderr: a | b", e.Message);
    }

    [Fact]
    public async Task WaitAsync_EngineLostWhileWaiting_EngineUnavailableNotTheFdk()
    {
        var waiting = WaitAsync();

        _exit.SetResult(new ContainerExit { ExitCode = -1, OomKilled = false, StderrTail = ["testfn: serving"], EngineLost = true });

        var e = await Assert.ThrowsAsync<ContainerStartException>(() => waiting);
        Assert.Equal(ContainerStartError.EngineUnavailable, e.Error);
        Assert.Equal("the container engine stopped answering while container c1 started, before it created lsnr.sock; last stderr: testfn: serving", e.Message);
    }

    [Fact]
    public async Task WaitAsync_NothingBeforeTheTimeout_InitTimedOut()
    {
        var waiting = WaitAsync();

        _time.Advance(Timeout);

        var e = await Assert.ThrowsAsync<ContainerStartException>(() => waiting);
        Assert.Equal(ContainerStartError.InitTimedOut, e.Error);
        Assert.Equal("container c1 did not create lsnr.sock within 5000 ms", e.Message);
    }

    [Fact]
    public async Task WaitAsync_CallerCancels_OperationCanceled()
    {
        using var cancel = new CancellationTokenSource();
        var waiting = SocketReadiness.WaitAsync("c1", _directory, _exit.Task, Timeout, _time, cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public async Task WaitAsync_NoInotifyOnTheHost_ReadyByPolling()
    {
        // No watcher: nothing but the poll can see the socket.
        var waiting = SocketReadiness.WaitAsync("c1", _directory, _exit.Task, Timeout, watcher: null, _time, CancellationToken.None);
        Listen("lsnr.sock");
        Assert.False(waiting.IsCompleted);

        _time.Advance(TimeSpan.FromMilliseconds(5));

        await waiting;
    }

    [Fact]
    public async Task WaitAsync_ManyWaitsOnOneWatcher_OneWatchEachAndNoneLeft()
    {
        using var watcher = InotifyWatcher.TryCreate() ?? throw new InvalidOperationException("no inotify instance to spare on this host");
        var directories = Enumerable.Range(0, 20).Select(i => Directory.CreateDirectory(Path.Combine(_directory, "c" + i)).FullName).ToList();

        var waits = directories.Select(d => SocketReadiness.WaitAsync(Path.GetFileName(d), d, _exit.Task, Timeout, watcher, _time, CancellationToken.None)).ToList();
        var watchedWhileWaiting = watcher.WatchedDirectories;
        directories.ForEach(ListenThenLink);

        // Only inotify wakes them: the fake clock never reaches a poll.
        await Task.WhenAll(waits);
        Assert.Equal((20, 0), (watchedWhileWaiting, watcher.WatchedDirectories));
    }

    [Fact]
    public async Task WaitAsync_ManyAtOnce_TheProcessGainsAtMostOneInotifyInstance()
    {
        var before = InotifyInstancesOfThisProcess();
        var directories = Enumerable.Range(0, 20).Select(i => Directory.CreateDirectory(Path.Combine(_directory, "s" + i)).FullName).ToList();

        var waits = directories.Select(d => SocketReadiness.WaitAsync(Path.GetFileName(d), d, _exit.Task, Timeout, _time, CancellationToken.None)).ToList();
        var during = InotifyInstancesOfThisProcess();
        directories.ForEach(ListenThenLink);

        await Task.WhenAll(waits);
        Assert.InRange(during - before, 0, 1);
    }

    private static int InotifyInstancesOfThisProcess() =>
        new DirectoryInfo("/proc/self/fd").EnumerateFiles().Count(fd =>
        {
            try
            {
                return fd.LinkTarget == "anon_inode:inotify";
            }
            catch (IOException)
            {
                return false; // closed while listed
            }
        });

    private Task WaitAsync() => SocketReadiness.WaitAsync("c1", _directory, _exit.Task, Timeout, _time, CancellationToken.None);

    /// <summary>
    /// A listening socket, then <c>lsnr.sock</c> linked to it, as FDKs do: the link's creation is the
    /// event, and the socket already listens (a socket bound as <c>lsnr.sock</c> is seen at its bind,
    /// before it listens, and only the poll, which a fake clock never reaches, would look again).
    /// </summary>
    private void ListenThenLink(string directory)
    {
        Listen(Path.Combine(directory, "phonylsnr.sock"));
        File.CreateSymbolicLink(Path.Combine(directory, "lsnr.sock"), "phonylsnr.sock");
    }

    private void Listen(string name)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _sockets.Add(socket);
        socket.Bind(new UnixDomainSocketEndPoint(Path.Combine(_directory, name)));
        socket.Listen();
    }
}
