using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using FnSharp.Agent.Drivers;
using FnSharp.Docker.Runc;
using FnSharp.Testing;
using FnSharp.Testing.Docker;
using FnSharp.Testing.Metrics;

namespace FnSharp.Docker.Tests.Runc;

/// <summary>The runc driver on the real runtime: the test function served, its hardening seen in its process, exits, OOM kills, logs, leftovers.</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class RuncDriverTests(RuncStateDir state) : RuncTestClass(state), IClassFixture<RuncStateDir>
{
    [SkippableFact]
    public async Task StartAsync_TestFn_ServesACallWithTheContractsEnvironment()
    {
        RuncProbe.SkipUnlessAvailable();
        var spec = TestFnContainers.Spec(TestFnContainers.TestFnImage);
        var container = await Runc.Driver.CreateAsync(spec, CancellationToken.None);
        await container.StartAsync(CancellationToken.None).WaitAsync(Guard);

        var env = await TestFnContainers.AssertEchoesTheContractAsync(container, spec);

        Assert.Equal(container.Id, env["FN_LOGFRAME_NAME"]);
        Assert.Equal("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", env["PATH"]);
        Assert.NotNull(container.ImageDigest);
    }

    [SkippableFact]
    public async Task StartAsync_DefaultHardening_SeenInTheFunctionsProcess()
    {
        RuncProbe.SkipUnlessAvailable();
        var container = await Runc.Driver.CreateAsync(TestFnContainers.Spec(TestFnContainers.TestFnImage, memoryMiB: 96), CancellationToken.None);
        await container.StartAsync(CancellationToken.None).WaitAsync(Guard);

        // PID 1 is the init process (tini); the function is its one child.
        var init = Runc.State(container.Id).Pid;
        var fn = int.Parse(File.ReadAllText($"/proc/{init}/task/{init}/children").Trim(), CultureInfo.InvariantCulture);
        var status = File.ReadAllLines($"/proc/{fn}/status").Select(l => l.Split(':', 2)).ToDictionary(p => p[0], p => p[1].Trim(), StringComparer.Ordinal);
        var root = File.ReadAllLines($"/proc/{fn}/mountinfo").Select(l => l.Split(' ')).Single(f => f[4] == "/");
        var tmp = File.ReadAllLines($"/proc/{fn}/mountinfo").Select(l => l.Split(' ')).Single(f => f[4] == "/tmp");
        var interfaces = File.ReadAllLines($"/proc/{fn}/net/dev").Skip(2).Select(l => l.Split(':')[0].Trim()).ToList();

        Assert.Equal("1000\t1000\t1000\t1000", status["Uid"]);
        Assert.Equal("1000\t1000\t1000\t1000", status["Gid"]);
        Assert.Equal("0000000000000000", status["CapEff"]);
        Assert.Equal("0000000000000000", status["CapPrm"]);
        Assert.Equal("0000000000000000", status["CapBnd"]);
        Assert.Equal("1", status["NoNewPrivs"]);
        Assert.StartsWith("ro,", root[5], StringComparison.Ordinal);
        Assert.Contains("noexec", tmp[5], StringComparison.Ordinal);
        Assert.Equal(["eth0", "lo"], interfaces.Order(StringComparer.Ordinal));
        Assert.NotEqual(new FileInfo("/proc/self/ns/net").LinkTarget, new FileInfo($"/proc/{fn}/ns/net").LinkTarget);
        Assert.NotEqual(new FileInfo("/proc/self/ns/pid").LinkTarget, new FileInfo($"/proc/{fn}/ns/pid").LinkTarget);
        var limits = File.ReadAllLines($"/proc/{fn}/limits");
        Assert.Equal(["350", "350"], limits.Single(l => l.StartsWith("Max open files", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(3).Take(2));
        Assert.Equal(96L * 1024 * 1024, long.Parse(ReadCgroup(fn, "memory", "memory.limit_in_bytes", "memory.max"), CultureInfo.InvariantCulture));
        Assert.Equal("50", ReadCgroup(fn, "pids", "pids.max", "pids.max"));
    }

    [SkippableFact]
    public async Task WaitForExitAsync_ProcessExitsDuringACall_CrashNoticedWithItsCodeAndStderr()
    {
        RuncProbe.SkipUnlessAvailable();
        var container = await Runc.Driver.CreateAsync(TestFnContainers.Spec(TestFnContainers.TestFnImage), CancellationToken.None);
        await container.StartAsync(CancellationToken.None).WaitAsync(Guard);

        await Assert.ThrowsAnyAsync<Exception>(() => TestFnContainers.CallAsync(container, "call-crash", """{"stderr":["going down"],"exit":7}"""));
        var exit = await container.WaitForExitAsync(CancellationToken.None).WaitAsync(Guard);

        Assert.Equal((7L, false), (exit.ExitCode, exit.OomKilled));
        Assert.Equal(["testfn: serving", "going down"], exit.StderrTail);
    }

    [SkippableFact]
    public async Task RemoveAsync_RightAfterAnOomKillBrokeTheCall_ExitSaysOomKilled()
    {
        RuncProbe.SkipUnlessAvailable();
        var container = await Runc.Driver.CreateAsync(TestFnContainers.Spec(TestFnContainers.TestFnImage, memoryMiB: 64), CancellationToken.None);
        await container.StartAsync(CancellationToken.None).WaitAsync(Guard);
        await Assert.ThrowsAnyAsync<Exception>(() => TestFnContainers.CallAsync(container, "call-oom", """{"allocMiB":512}"""));

        await container.RemoveAsync(CancellationToken.None).WaitAsync(Guard);
        var exited = container.WaitForExitAsync(CancellationToken.None);

        Assert.True(exited.IsCompletedSuccessfully);
        var exit = await exited;
        Assert.Equal((137L, true), (exit.ExitCode, exit.OomKilled));
        Assert.Equal(["testfn: serving", "testfn: allocating 512 MiB"], exit.StderrTail);
        Assert.Equal(string.Empty, Runc.ListIds());
        Assert.False(Directory.Exists(Path.GetDirectoryName(container.SocketPath)));
    }

    [SkippableFact]
    public async Task TakeCallLogs_OutputOfTwoCalls_SplitPerCallByTheFdksMarkers()
    {
        RuncProbe.SkipUnlessAvailable();
        var container = await Runc.Driver.CreateAsync(TestFnContainers.Spec(TestFnContainers.TestFnImage), CancellationToken.None);
        await container.StartAsync(CancellationToken.None).WaitAsync(Guard);

        using (await TestFnContainers.CallAsync(container, "call-1", """{"stdout":["one out"],"stderr":["one err"]}"""))
        using (await TestFnContainers.CallAsync(container, "call-2", """{"stdout":["two out"]}"""))
        {
            // The container's own exit ends its output, so every line has been read when the exit is reported.
            await Assert.ThrowsAnyAsync<Exception>(() => TestFnContainers.CallAsync(container, "call-3", """{"exit":0}"""));
        }

        await container.WaitForExitAsync(CancellationToken.None).WaitAsync(Guard);

        var first = container.TakeCallLogs("call-1");
        Assert.Equal([new ContainerLogLine(ContainerOutput.Stdout, "one out")], first.Where(l => l.Stream == ContainerOutput.Stdout));
        Assert.Equal([new ContainerLogLine(ContainerOutput.Stderr, "one err")], first.Where(l => l.Stream == ContainerOutput.Stderr));
        Assert.Equal([new ContainerLogLine(ContainerOutput.Stdout, "two out")], container.TakeCallLogs("call-2"));
    }

    [SkippableFact]
    public async Task PauseAsync_ThenUnpause_FrozenThenServesAgain()
    {
        RuncProbe.SkipUnlessAvailable();
        var container = await Runc.Driver.CreateAsync(TestFnContainers.Spec(TestFnContainers.TestFnImage), CancellationToken.None);
        await container.StartAsync(CancellationToken.None).WaitAsync(Guard);

        await container.PauseAsync(CancellationToken.None);
        var paused = Runc.State(container.Id).Status;
        await container.UnpauseAsync(CancellationToken.None);
        var resumed = Runc.State(container.Id).Status;
        await container.UnpauseAsync(CancellationToken.None);
        using var response = await TestFnContainers.CallAsync(container, "call-1", """{"body":"thawed"}""");

        Assert.Equal(("paused", "running"), (paused, resumed));
        Assert.Equal("thawed", await response.Content.ReadAsStringAsync());
    }

    [SkippableFact]
    public async Task StartAsync_ExitsBeforeItsSocket_InitFailedWithItsStderr()
    {
        RuncProbe.SkipUnlessAvailable();
        var container = await Runc.Driver.CreateAsync(TestFnContainers.Spec(TestFnContainers.TestFnImage, extraEnvironment: new Dictionary<string, string> { ["TESTFN_EXIT_AT_START"] = "3" }), CancellationToken.None);

        var e = await Assert.ThrowsAsync<ContainerStartException>(() => container.StartAsync(CancellationToken.None).WaitAsync(Guard));

        Assert.Equal(ContainerStartError.InitFailed, e.Error);
        Assert.Equal($"container {container.Id} exited with code 3 before it created lsnr.sock; last stderr: testfn: exiting at start with code 3", e.Message);
        await container.RemoveAsync(CancellationToken.None);
    }

    [SkippableFact]
    public async Task CreateAsync_MissingImage_ImageNotFoundNamingTheImage()
    {
        RuncProbe.SkipUnlessAvailable();

        var e = await Assert.ThrowsAsync<ContainerStartException>(() => Runc.Driver.CreateAsync(TestFnContainers.Spec("fnsharp/never-built:1"), CancellationToken.None).WaitAsync(Guard));

        Assert.Equal(ContainerStartError.ImageNotFound, e.Error);
        Assert.StartsWith("Failed to pull image 'fnsharp/never-built:1'", e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task CreateAsync_ImageWithAVolume_Refused()
    {
        RuncProbe.SkipUnlessAvailable();

        var e = await Assert.ThrowsAsync<ContainerStartException>(() => Runc.Driver.CreateAsync(TestFnContainers.Spec(TestFnContainers.VolumeImage), CancellationToken.None).WaitAsync(Guard));

        Assert.Equal(ContainerStartError.ImageRefused, e.Error);
    }

    [SkippableFact]
    public async Task RemoveLeftoversAsync_ContainersOfAStoppedDriverOfThisNode_RemovedOthersKept()
    {
        RuncProbe.SkipUnlessAvailable();
        var stopped = new RuncTestDriver(node: Runc.Node, stateDir: Runc.StateDir);
        var running = await stopped.Driver.CreateAsync(TestFnContainers.Spec(TestFnContainers.TestFnImage), CancellationToken.None);
        await running.StartAsync(CancellationToken.None).WaitAsync(Guard);
        var created = await stopped.Driver.CreateAsync(TestFnContainers.Spec(TestFnContainers.TestFnImage), CancellationToken.None);
        stopped.Driver.Dispose();
        await using var other = new RuncTestDriver(stateDir: State.Path);
        var others = await other.Driver.CreateAsync(TestFnContainers.Spec(TestFnContainers.TestFnImage), CancellationToken.None);
        await others.StartAsync(CancellationToken.None).WaitAsync(Guard);

        var removed = await Runc.Driver.RemoveLeftoversAsync(CancellationToken.None);

        Assert.Equal(1, removed);
        Assert.Equal(string.Empty, Runc.ListIds());
        Assert.False(Directory.Exists(Path.GetDirectoryName(running.SocketPath)));
        Assert.False(Directory.Exists(Path.GetDirectoryName(created.SocketPath)));
        Assert.Equal(others.Id, other.ListIds());
    }

    [SkippableFact]
    public async Task RemoveAllAsync_ThenDisposeAsync_TheDisposalRunsNoRuncCommandAndTheStateDirectoryStaysGone()
    {
        RuncProbe.SkipUnlessAvailable();
        var running = await Runc.Driver.CreateAsync(TestFnContainers.Spec(TestFnContainers.TestFnImage), CancellationToken.None);
        await running.StartAsync(CancellationToken.None).WaitAsync(Guard);
        var created = await Runc.Driver.CreateAsync(TestFnContainers.Spec(TestFnContainers.TestFnImage), CancellationToken.None);
        var nodeDir = Path.Combine(Runc.StateDir, "nodes", Runc.Node);

        await Runc.Driver.RemoveAllAsync().WaitAsync(Guard);
        var left = Runc.ListIds();
        var bundles = Directory.GetDirectories(Path.Combine(nodeDir, "bundles"));
        Directory.Delete(nodeDir, recursive: true);
        await Runc.Driver.DisposeAsync();

        // Any runc command makes its --root again: the stop's removal was the last one.
        Assert.False(Directory.Exists(nodeDir));
        Assert.Equal(string.Empty, left);
        Assert.Empty(bundles);
        Assert.False(Directory.Exists(Path.GetDirectoryName(running.SocketPath)));
        Assert.False(Directory.Exists(Path.GetDirectoryName(created.SocketPath)));
    }

    [SkippableFact]
    public async Task RemoveAllAsync_RuncCannotListTheNodesContainers_TheNodesEmptyCgroupsRemovedStill()
    {
        RuncProbe.SkipUnlessAvailable();
        var cpu = File.Exists("/sys/fs/cgroup/cgroup.controllers") ? "/sys/fs/cgroup" : "/sys/fs/cgroup/cpu";
        Skip.IfNot(File.Exists(Path.Combine(cpu, "cpu.shares")) || cpu == "/sys/fs/cgroup", "no writable CPU controller at /sys/fs/cgroup (cgroup v2, or v1's cpu hierarchy)");
        var spec = TestFnContainers.Spec(TestFnContainers.TestFnImage);
        var created = await Runc.Driver.CreateAsync(spec, CancellationToken.None);
        await created.RemoveAsync(CancellationToken.None);
        var node = Path.Combine(cpu, "fnsharp-" + Runc.Node);
        var nodeBefore = Directory.Exists(node);

        // runc's root is a file: every runc command fails, runc list first.
        DockerDriver.DeleteDirectory(Runc.RuncRoot);
        Directory.CreateDirectory(Path.GetDirectoryName(Runc.RuncRoot)!);
        await File.WriteAllTextAsync(Runc.RuncRoot, string.Empty);
        await Runc.Driver.RemoveAllAsync().WaitAsync(Guard);

        Assert.True(nodeBefore);
        Assert.False(Directory.Exists(node));
    }

    [SkippableFact]
    public async Task RemoveAllAsync_AnUnpackItsCreateNoLongerWaitsFor_EndedBeforeItReturns()
    {
        RuncProbe.SkipUnlessAvailable();

        // A state directory of its own: the image is unpacked here first.
        await using var runc = new RuncTestDriver();
        var images = Directory.CreateDirectory(Path.Combine(runc.StateDir, "images")).FullName;
        var unpacking = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watcher = new FileSystemWatcher(images) { EnableRaisingEvents = true };
        watcher.Created += (_, e) =>
        {
            if (e.Name?.Contains(RootfsCache.UnpackingMark, StringComparison.Ordinal) == true)
            {
                unpacking.TrySetResult();
            }
        };
        using var stopping = new CancellationTokenSource();
        var create = runc.Driver.CreateAsync(TestFnContainers.Spec(TestFnContainers.TestFnImage), stopping.Token);
        await unpacking.Task.WaitAsync(Guard);

        // As the runner's stop cancels the creates in flight, then the stop has the driver remove what is left.
        await stopping.CancelAsync();
        try
        {
            await create.WaitAsync(Guard);
        }
        catch (OperationCanceledException)
        {
            // Cut while it waited for the unpack, which goes on.
        }

        await runc.Driver.RemoveAllAsync().WaitAsync(Guard);
        var left = Directory.GetDirectories(images);

        Assert.DoesNotContain(left, d => d.Contains(RootfsCache.UnpackingMark, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task DisposeAsync_AnUnpacksContainerOfTheNodeOnTheEngine_RemovedOthersKept()
    {
        RuncProbe.SkipUnlessAvailable();
        using var engine = new DockerClientBuilder().WithEndpoint(new Uri(new DockerDriverOptions().Endpoint)).Build();
        var driver = new RuncTestDriver(stateDir: State.Path);
        var otherNode = TestFnContainers.NewNode();
        var unpacking = await CreateUnpackContainerAsync(driver.Node);
        var others = await CreateUnpackContainerAsync(otherNode);
        try
        {
            await driver.DisposeAsync();

            var left = await engine.Containers.ListContainersAsync(new ContainersListParameters { All = true }, CancellationToken.None);
            Assert.DoesNotContain(left, c => c.ID == unpacking);
            Assert.Contains(left, c => c.ID == others);
        }
        finally
        {
            await engine.Containers.RemoveContainerAsync(others, new ContainerRemoveParameters { Force = true }, CancellationToken.None);
        }

        // What an unpack under way has on the engine when its node stops: a container of the image, never started.
        async Task<string> CreateUnpackContainerAsync(string node) =>
            (await engine.Containers.CreateContainerAsync(
                new CreateContainerParameters
                {
                    Name = RootfsCache.UnpackPrefix + Guid.NewGuid().ToString("N")[..12],
                    Image = TestFnContainers.TestFnImage,
                    Cmd = ["/fnsharp-unpack"],
                    Labels = new Dictionary<string, string> { [DockerLabels.Managed] = "true", [DockerLabels.Node] = node },
                    HostConfig = new HostConfig { NetworkMode = "none" },
                },
                CancellationToken.None)).ID;
    }

    [SkippableFact]
    public async Task StartAsync_ThenRemove_RuncsCommandsTimedByNameAndItsSetUpIsTheStart()
    {
        RuncProbe.SkipUnlessAvailable();
        using var meters = new MeasuringMeterFactory();
        await using var runc = new RuncTestDriver(stateDir: State.Path, meterFactory: meters);
        var container = await runc.Driver.CreateAsync(TestFnContainers.Spec(TestFnContainers.TestFnImage), CancellationToken.None);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await container.StartAsync(CancellationToken.None).WaitAsync(Guard);
        var startAsync = watch.Elapsed;

        await container.RemoveAsync(CancellationToken.None).WaitAsync(Guard);

        const string duration = "fnsharp_runc_command_duration_seconds";
        Assert.Equal((1, 1, 1), (meters.CountOf(duration, "command", "run"), meters.CountOf(duration, "command", "kill"), meters.CountOf(duration, "command", "delete")));

        // The set-up (runc's namespaces, cgroup, mounts and exec, until its pid file) and the wait for the socket
        // split StartAsync's time between them: the set-up is the record's start phase, as the engine's start on Docker.
        var setUp = TimeSpan.FromSeconds(meters.Measurements.Single(m => m.Instrument == duration && Equals(m.Tags["command"], "run")).Value);
        Assert.InRange(setUp, TimeSpan.FromTicks(1), startAsync);
        Assert.InRange(container.ReadyWait, TimeSpan.Zero, startAsync - setUp);
        Assert.DoesNotContain(meters.Measurements, m => m.Instrument == "fnsharp_runc_command_errors_total");
    }

    [SkippableFact]
    public async Task CreateAsync_EngineStopsAnsweringDuringTheUnpacksExport_EngineUnavailableNamingTheSetting()
    {
        RuncProbe.SkipUnlessAvailable();
        using var proxy = new EngineProxy();
        proxy.Start();

        // A state directory of its own: the image is not unpacked there yet.
        await using var runc = new RuncTestDriver(o => o with { Endpoint = proxy.Endpoint, ApiTimeoutMs = 2000, PullTimeoutMs = 2000 });
        proxy.HangOnNext("/export");

        var e = await Assert.ThrowsAsync<ContainerStartException>(() => runc.Driver.CreateAsync(TestFnContainers.Spec(TestFnContainers.TestFnImage), CancellationToken.None).WaitAsync(Guard));
        proxy.Resume();

        Assert.Equal(ContainerStartError.EngineUnavailable, e.Error);
        Assert.EndsWith("container_export got no answer within 2000 ms (FN_IMAGE_PULL_TIMEOUT_SECS)", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(runc.StateDir, "images")));
    }

    // The container's cgroup file: v1 under the controller's hierarchy, v2 in the unified one.
    private static string ReadCgroup(int pid, string controller, string v1File, string v2File)
    {
        foreach (var line in File.ReadAllLines($"/proc/{pid}/cgroup"))
        {
            var parts = line.Split(':', 3);
            if (parts[1].Split(',').Contains(controller))
            {
                return File.ReadAllText($"/sys/fs/cgroup/{parts[1]}{parts[2]}/{v1File}").Trim();
            }

            if (parts[0] == "0" && File.Exists("/sys/fs/cgroup/cgroup.controllers"))
            {
                return File.ReadAllText($"/sys/fs/cgroup{parts[2]}/{v2File}").Trim();
            }
        }

        throw new InvalidOperationException($"no {controller} cgroup for process {pid}");
    }
}
