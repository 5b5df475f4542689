using FnSharp.Agent.Drivers;
using FnSharp.Testing;
using FnSharp.Testing.Metrics;

namespace FnSharp.Docker.Tests;

/// <summary>Readiness, start failures, exits, OOM kills and log capture of the test function on the real engine.</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class DockerDriverLifecycleTests : IAsyncLifetime
{
    // Only a guard so that a broken driver fails the test instead of hanging it; no assertion is about time.
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    private readonly string _node = TestFnContainers.NewNode();
    private readonly DockerDriver _driver;

    public DockerDriverLifecycleTests()
    {
        _driver = TestFnContainers.NewDriver(_node, o => o with { HotStartTimeoutMs = 1000 });
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _driver.RemoveLeftoversAsync(CancellationToken.None);
        await _driver.DisposeAsync();
    }

    [Fact]
    public async Task StartAsync_FunctionNeverOpensItsSocket_InitTimedOut()
    {
        var container = await _driver.CreateAsync(Spec(("TESTFN_NO_SOCKET", "1")), CancellationToken.None);

        var e = await Assert.ThrowsAsync<ContainerStartException>(() => container.StartAsync(CancellationToken.None));

        Assert.Equal(ContainerStartError.InitTimedOut, e.Error);
        Assert.Equal($"container {container.Id} did not create lsnr.sock within 1000 ms", e.Message);
        await container.RemoveAsync(CancellationToken.None);
    }

    [Fact]
    public async Task StartAsync_StartDelayBelowTheTimeout_Ready()
    {
        await using var driver = TestFnContainers.NewDriver(_node, o => o with { HotStartTimeoutMs = 20_000 });
        var container = await driver.CreateAsync(Spec(("TESTFN_START_DELAY_MS", "500")), CancellationToken.None);

        await container.StartAsync(CancellationToken.None);

        using var response = await TestFnContainers.CallAsync(container, "call-1", """{"body":"up"}""");
        Assert.Equal("up", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task StartAsync_ExitsBeforeItsSocket_InitFailedAtOnceWithItsStderr()
    {
        // A start timeout far longer than the test: only the exit itself can end the wait.
        await using var driver = TestFnContainers.NewDriver(_node, o => o with { HotStartTimeoutMs = 600_000 });
        var container = await driver.CreateAsync(Spec(("TESTFN_EXIT_AT_START", "3")), CancellationToken.None);

        var e = await Assert.ThrowsAsync<ContainerStartException>(() => container.StartAsync(CancellationToken.None).WaitAsync(Guard));

        Assert.Equal(ContainerStartError.InitFailed, e.Error);
        Assert.Equal($"container {container.Id} exited with code 3 before it created lsnr.sock; last stderr: testfn: exiting at start with code 3", e.Message);
        var exit = await container.WaitForExitAsync(CancellationToken.None);
        Assert.Equal(new ContainerExit { ExitCode = 3, OomKilled = false, StderrTail = exit.StderrTail }, exit);
        Assert.Equal(["testfn: exiting at start with code 3"], exit.StderrTail);
    }

    [Fact]
    public async Task WaitForExitAsync_ProcessExitsDuringACall_CrashNoticedWithItsCode()
    {
        var container = await _driver.CreateAsync(Spec(), CancellationToken.None);
        await container.StartAsync(CancellationToken.None);

        await Assert.ThrowsAnyAsync<Exception>(() => TestFnContainers.CallAsync(container, "call-crash", """{"stderr":["going down"],"exit":7}"""));
        var exit = await container.WaitForExitAsync(CancellationToken.None).WaitAsync(Guard);

        Assert.Equal(7, exit.ExitCode);
        Assert.False(exit.OomKilled);
        Assert.Equal(["testfn: serving", "going down"], exit.StderrTail);
    }

    [Fact]
    public async Task WaitForExitAsync_CallAllocatesMoreThanTheMemoryLimit_OomKilledWithLastStderrLines()
    {
        var container = await _driver.CreateAsync(Spec(memoryMiB: 64), CancellationToken.None);
        await container.StartAsync(CancellationToken.None);

        await Assert.ThrowsAnyAsync<Exception>(() => TestFnContainers.CallAsync(container, "call-oom", """{"allocMiB":512}"""));
        var exit = await container.WaitForExitAsync(CancellationToken.None).WaitAsync(Guard);

        Assert.True(exit.OomKilled);
        Assert.Equal(137, exit.ExitCode);
        Assert.Equal(["testfn: serving", "testfn: allocating 512 MiB"], exit.StderrTail);
    }

    [Fact]
    public async Task RemoveAsync_RightAfterTheCallOfAnOomKilledContainerBroke_ExitStillSaysOomKilled()
    {
        // The runner's path: the connection breaks, the container is removed at once, then its exit is read.
        var container = await _driver.CreateAsync(Spec(memoryMiB: 64), CancellationToken.None);
        await container.StartAsync(CancellationToken.None);
        await Assert.ThrowsAnyAsync<Exception>(() => TestFnContainers.CallAsync(container, "call-oom", """{"allocMiB":512}"""));

        await container.RemoveAsync(CancellationToken.None).WaitAsync(Guard);
        var exited = container.WaitForExitAsync(CancellationToken.None);
        var completedAtRemoval = exited.IsCompletedSuccessfully;

        Assert.True(completedAtRemoval);
        Assert.True((await exited).OomKilled);
    }

    [Fact]
    public async Task TakeCallLogs_OutputOfCallsWithASilentOneBetween_SplitPerCallByTheFdksMarkers()
    {
        // The C# FDK marks a stream just before a call's first text there: the silent call writes no marker, and the
        // call after it writes its marker on stdout only.
        var container = await RunCallsThenExitAsync(
            Spec(),
            ("call-1", """{"stdout":["one out","one out again"],"stderr":["one err"]}"""),
            ("call-2", "{}"),
            ("call-3", """{"stdout":["three out"]}"""));

        var first = container.TakeCallLogs("call-1");
        Assert.Equal([new ContainerLogLine(ContainerOutput.Stdout, "one out"), new ContainerLogLine(ContainerOutput.Stdout, "one out again")], first.Where(l => l.Stream == ContainerOutput.Stdout));
        Assert.Equal([new ContainerLogLine(ContainerOutput.Stderr, "one err")], first.Where(l => l.Stream == ContainerOutput.Stderr));
        Assert.Empty(container.TakeCallLogs("call-2"));
        Assert.Equal([new ContainerLogLine(ContainerOutput.Stdout, "three out")], container.TakeCallLogs("call-3"));
        Assert.Empty(container.TakeCallLogs("call-1"));
    }

    [Fact]
    public async Task TakeCallLogs_WriterTakenFromTheConsoleBeforeTheFdksFirstUse_StillMarkedPerCall()
    {
        // The test fn, published with NativeAOT, takes Console.Out as its first statement: the FDK's module initializer
        // ran before it, so that writer marks its call's text as Console.Out's does.
        var container = await RunCallsThenExitAsync(
            Spec(),
            ("call-1", """{"stdout":["one out"]}"""),
            ("call-2", """{"startupStdout":["two out"]}"""));

        Assert.Equal([new ContainerLogLine(ContainerOutput.Stdout, "one out")], container.TakeCallLogs("call-1"));
        Assert.Equal([new ContainerLogLine(ContainerOutput.Stdout, "two out")], container.TakeCallLogs("call-2"));
    }

    [Fact]
    public async Task TakeCallLogs_FunctionReplacedTheConsolesStdout_LaterCallsStillSplitPerCall()
    {
        // Console.SetOut by the function bypasses the FDK's marking writer: the FDK then writes the marker to the
        // function's writer at every call's start, as Fn's FDKs do.
        var container = await RunCallsThenExitAsync(
            Spec(),
            ("call-1", """{"replaceStdout":true}"""),
            ("call-2", """{"stdout":["two out"],"stderr":["two err"]}"""),
            ("call-3", """{"stdout":["three out"]}"""));

        Assert.Equal([new ContainerLogLine(ContainerOutput.Stdout, "two out"), new ContainerLogLine(ContainerOutput.Stderr, "two err")], container.TakeCallLogs("call-2").OrderBy(l => l.Stream));
        Assert.Equal([new ContainerLogLine(ContainerOutput.Stdout, "three out")], container.TakeCallLogs("call-3"));
    }

    [Fact]
    public async Task TakeCallLogs_TextAroundTheConsoleWithEveryCallMarked_SplitPerCall()
    {
        // FDK_LOG_FRAME_EVERY_CALL=true in the fn's config: the FDK marks every call's start, as Fn's FDKs do, so text
        // written around the console's writers goes with its own call.
        var container = await RunCallsThenExitAsync(
            Spec(("FDK_LOG_FRAME_EVERY_CALL", "true")),
            ("call-1", """{"stdout":["one out"]}"""),
            ("call-2", """{"rawStdout":["two raw"]}"""));

        Assert.Equal([new ContainerLogLine(ContainerOutput.Stdout, "one out")], container.TakeCallLogs("call-1"));
        Assert.Equal([new ContainerLogLine(ContainerOutput.Stdout, "two raw")], container.TakeCallLogs("call-2"));
    }

    [Fact]
    public async Task TakeCallLogs_EngineKeepsNoLog_FirstLineAndCallOutputStillRead()
    {
        // The engine writes no log file and gives no `docker logs` (log driver none, as Fn's): the output is read through
        // an attach made before the start, so even the line the function writes as it starts is read.
        var container = await _driver.CreateAsync(Spec(), CancellationToken.None);
        await container.StartAsync(CancellationToken.None);

        using (await TestFnContainers.CallAsync(container, "call-1", """{"stderr":["one err"]}"""))
        {
            await Assert.ThrowsAnyAsync<Exception>(() => TestFnContainers.CallAsync(container, "call-2", """{"exit":0}"""));
        }

        var exit = await container.WaitForExitAsync(CancellationToken.None).WaitAsync(Guard);
        Assert.Equal("none", (await TestFnContainers.InspectAsync(container.Id)).HostConfig?.LogConfig?.Type);
        Assert.Contains("testfn: serving", exit.StderrTail);
        Assert.Equal([new ContainerLogLine(ContainerOutput.Stderr, "one err")], container.TakeCallLogs("call-1"));
    }

    [Fact]
    public async Task CreateAsync_MissingImage_ImageNotFoundNamingTheImageAndRemembered()
    {
        var first = await Assert.ThrowsAsync<ContainerStartException>(() => _driver.CreateAsync(TestFnContainers.Spec("fnsharp/never-built:1"), CancellationToken.None).WaitAsync(Guard));
        var second = await Assert.ThrowsAsync<ContainerStartException>(() => _driver.CreateAsync(TestFnContainers.Spec("fnsharp/never-built:1"), CancellationToken.None).WaitAsync(Guard));

        Assert.Equal(ContainerStartError.ImageNotFound, first.Error);
        Assert.StartsWith("Failed to pull image 'fnsharp/never-built:1': it is not on this host and the registry did not provide it: ", first.Message, StringComparison.Ordinal);
        Assert.Equal(first.Message, second.Message);
    }

    [Fact]
    public async Task CreateAsync_ManyCallersOfAMissingImage_OnePullAndAllFailNamingTheImage()
    {
        // Callers during the pull wait for it; callers after it meet the remembered failure.
        using var meters = new MeasuringMeterFactory();
        await using var driver = TestFnContainers.NewDriver(_node, o => o with { PullFailureCacheMs = 600_000 }, meters);
        var attempts = Enumerable.Range(0, 8).Select(_ => Assert.ThrowsAsync<ContainerStartException>(() => driver.CreateAsync(TestFnContainers.Spec("fnsharp/never-built:2"), CancellationToken.None)));

        var errors = await Task.WhenAll(attempts).WaitAsync(Guard);

        Assert.Equal(1, Pulls(meters));
        Assert.All(errors, e => Assert.Equal(ContainerStartError.ImageNotFound, e.Error));
        Assert.All(errors, e => Assert.Contains("'fnsharp/never-built:2'", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreateAsync_PullFailureNotRemembered_EachCallerPullsAgain()
    {
        using var meters = new MeasuringMeterFactory();
        await using var driver = TestFnContainers.NewDriver(_node, o => o with { PullFailureCacheMs = 0 }, meters);

        await Assert.ThrowsAsync<ContainerStartException>(() => driver.CreateAsync(TestFnContainers.Spec("fnsharp/never-built:3"), CancellationToken.None));
        await Assert.ThrowsAsync<ContainerStartException>(() => driver.CreateAsync(TestFnContainers.Spec("fnsharp/never-built:3"), CancellationToken.None));

        Assert.Equal(2, Pulls(meters));
    }

    [Fact]
    public async Task CreateAsync_RegistryNeverAnswers_ImagePullTimedOutNamingTheImage()
    {
        // A "registry" on loopback that accepts connections and never says a word.
        using var registry = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        registry.Start();
        var held = new List<System.Net.Sockets.TcpClient>();
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    held.Add(await registry.AcceptTcpClientAsync(stop.Token));
                }
            }
            catch (OperationCanceledException)
            {
                // The test is over.
            }
        });
        var image = $"127.0.0.1:{((System.Net.IPEndPoint)registry.LocalEndpoint).Port}/fnsharp/silent:1";
        await using var driver = TestFnContainers.NewDriver(_node, o => o with { PullTimeoutMs = 1000 });

        var e = await Assert.ThrowsAsync<ContainerStartException>(() => driver.CreateAsync(TestFnContainers.Spec(image), CancellationToken.None).WaitAsync(Guard));

        Assert.Equal(ContainerStartError.ImagePullTimedOut, e.Error);
        Assert.Equal($"Timed out pulling image '{image}': the pull did not finish within 1 s (FN_IMAGE_PULL_TIMEOUT_SECS)", e.Message);
        await stop.CancelAsync();
        await accepting;
        held.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task CreateAsync_ImageDeclaresAVolume_Refused()
    {
        var e = await Assert.ThrowsAsync<ContainerStartException>(() => _driver.CreateAsync(TestFnContainers.Spec(TestFnContainers.VolumeImage), CancellationToken.None));

        Assert.Equal(ContainerStartError.ImageRefused, e.Error);
        Assert.Equal($"image '{TestFnContainers.VolumeImage}' declares VOLUME /data: fn images may not declare volumes", e.Message);
    }

    [Fact]
    public async Task RemoveLeftoversAsync_ContainerOfAnEarlierRun_ItsSocketDirectoryDeletedToo()
    {
        var earlier = TestFnContainers.NewDriver(_node);
        var container = await earlier.CreateAsync(Spec(), CancellationToken.None);
        await container.StartAsync(CancellationToken.None);
        var socketDirectory = Path.GetDirectoryName(container.SocketPath)!;
        earlier.Dispose();

        Assert.Equal(1, await _driver.RemoveLeftoversAsync(CancellationToken.None));

        Assert.False(Directory.Exists(socketDirectory));
    }

    [Fact]
    public async Task DisposeAsync_ContainersStillLive_NoneRemain()
    {
        var driver = TestFnContainers.NewDriver(_node);
        var first = await driver.CreateAsync(Spec(), CancellationToken.None);
        await first.StartAsync(CancellationToken.None);
        await driver.CreateAsync(Spec(), CancellationToken.None);

        await driver.DisposeAsync();

        Assert.Equal(0, await _driver.RemoveLeftoversAsync(CancellationToken.None));
    }

    /// <summary>The pulls the driver made: each Engine API call is timed once, per operation.</summary>
    private static int Pulls(MeasuringMeterFactory meters) => meters.CountOf("fnsharp_docker_api_duration_seconds", "operation", "image_pull");

    /// <summary>
    /// Runs <paramref name="calls"/> one after another on a new container of <paramref name="spec"/>, then a call that
    /// makes it exit: the container's own exit ends its output, so every line has been read when it returns.
    /// </summary>
    private async Task<IFnContainer> RunCallsThenExitAsync(Agent.Drivers.ContainerSpec spec, params (string CallId, string Body)[] calls)
    {
        var container = await _driver.CreateAsync(spec, CancellationToken.None);
        await container.StartAsync(CancellationToken.None);
        var answers = new List<HttpResponseMessage>();
        try
        {
            foreach (var (callId, body) in calls)
            {
                answers.Add(await TestFnContainers.CallAsync(container, callId, body));
            }

            await Assert.ThrowsAnyAsync<Exception>(() => TestFnContainers.CallAsync(container, "call-exit", """{"exit":0}"""));
        }
        finally
        {
            answers.ForEach(a => a.Dispose());
        }

        await container.WaitForExitAsync(CancellationToken.None).WaitAsync(Guard);
        return container;
    }

    private static Agent.Drivers.ContainerSpec Spec(params (string Key, string Value)[] environment) => Spec(128, environment);

    private static Agent.Drivers.ContainerSpec Spec(int memoryMiB, params (string Key, string Value)[] environment) =>
        TestFnContainers.Spec(TestFnContainers.TestFnImage, memoryMiB, environment.ToDictionary(e => e.Key, e => e.Value));
}
