using System.Net;
using System.Threading.Channels;
using FnSharp.Agent.Calls;
using FnSharp.Core.Models;
using FnSharp.Docker;
using FnSharp.Docker.Runc;
using FnSharp.Server.Detached;
using FnSharp.Server.Hosting;
using FnSharp.Testing;
using FnSharp.Testing.Builders;
using FnSharp.Testing.Docker;
using FnSharp.Testing.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ContainerSpec = FnSharp.Agent.Drivers.ContainerSpec;

namespace FnSharp.Server.Tests.Integration;

/// <summary>
/// Calls through the real server with <c>FN_DRIVER=runc</c>: <c>fnsharp/testfn:latest</c> runs in runc containers (the
/// image from the Docker engine, unpacked once), synchronously and detached, a missing image fails as on Docker, and
/// the image clean-up removes an unpacked root filesystem no fn names.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class InvokeOnRuncTests : IAsyncLifetime
{
    private const string Image = "fnsharp/testfn:latest";

    // An image whose registry is a closed loopback port: each pull fails at once with the same engine message
    // ("connection refused"). A Docker Hub name would fail at the DNS lookup, whose message varies with the
    // resolver's mood under load ("no such host", "server misbehaving", "read udp ...:41234->...: i/o timeout").
    private const string MissingImage = "127.0.0.1:1/fnsharp/never-built:1";

    // A failsafe against a hung test, not a timing assertion.
    private static readonly TimeSpan Failsafe = TimeSpan.FromMinutes(2);

    private readonly FnSharpServerFactory _server = new();
    private readonly string _stateDir = RuncProbe.NewStateDir();

    // Written by the worker (one attempt each), read by the test; unbounded: a handful of attempts.
    private readonly Channel<DetachedAttempt> _attempts = Channel.CreateUnbounded<DetachedAttempt>();

    public Task InitializeAsync()
    {
        _server.Settings["FN_DRIVER"] = "runc";
        _server.Settings["FN_RUNC_STATE_DIR"] = _stateDir;
        _server.TestServices = services => services.AddSingleton<IDetachedCallObserver>(new AttemptWriter(_attempts.Writer));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_stateDir, recursive: true);
    }

    [SkippableFact]
    public async Task Invoke_TestFnTwice_BothAnsweredByOneRuncContainer()
    {
        RuncProbe.SkipUnlessAvailable();
        var client = _server.CreateFnClient();
        var app = await client.CreateAppAsync(new App { Name = "runc-app" });
        var fn = await client.CreateFnAsync(new Fn { Name = "echo", AppId = app.Id, Image = Image, Memory = 128 });

        var first = await client.InvokeAsync(fn.Id, """{"body":"one"}""");
        var second = await client.InvokeAsync(fn.Id, """{"body":"two"}""");
        var containers = Directory.GetDirectories(Path.Combine(_stateDir, "nodes", _server.NodeName, "bundles"));

        Assert.Equal((HttpStatusCode.OK, "one"), (first.StatusCode, first.Body));
        Assert.Equal((HttpStatusCode.OK, "two"), (second.StatusCode, second.Body));
        Assert.Single(containers);
        Assert.Single(Directory.GetDirectories(Path.Combine(_stateDir, "images")));
    }

    [SkippableFact]
    public async Task Stop_AfterACall_NoContainerOrBundleLeftAndTheDriversRemovalEnded()
    {
        RuncProbe.SkipUnlessAvailable();
        var client = _server.CreateFnClient();
        var driver = _server.Services.GetRequiredService<RuncDriver>();
        var app = await client.CreateAppAsync(new App { Name = "runc-stop" });
        var fn = await client.CreateFnAsync(new Fn { Name = "stopped", AppId = app.Id, Image = Image, Memory = 128 });
        var called = await client.InvokeAsync(fn.Id, """{"body":"one"}""");

        await _server.DisposeAsync();

        // The stop's own removal, ended before the stop returned: the host's disposal of the driver, which may still be
        // running on the server's thread when the factory's dispose returns, runs no runc command after it (any would
        // make the node's runc root again under a delete of the state directory).
        var removal = driver.RemoveAllAsync();
        var nodeDir = Path.Combine(_stateDir, "nodes", _server.NodeName);
        Assert.Equal((HttpStatusCode.OK, "one"), (called.StatusCode, called.Body));
        Assert.True(removal.IsCompletedSuccessfully);
        Assert.Empty(Directory.GetDirectories(Path.Combine(nodeDir, "state")));
        Assert.Empty(Directory.GetDirectories(Path.Combine(nodeDir, "bundles")));
    }

    [SkippableFact]
    public async Task ImageCleanup_OverBudget_RemovesTheRootfsNoFnNamesAndKeepsTheFnsImage()
    {
        RuncProbe.SkipUnlessAvailable();
        _server.Settings["FN_IMAGE_CLEAN_MAX_SIZE"] = "1";
        _server.Settings["FN_IMAGE_CLEAN_MIN_AGE_SECS"] = "0";
        var client = _server.CreateFnClient();
        var app = await client.CreateAppAsync(new App { Name = "runc-cleanup" });
        var fn = await client.CreateFnAsync(new Fn { Name = "kept", AppId = app.Id, Image = Image, Memory = 128 });
        var first = await client.InvokeAsync(fn.Id, """{"body":"one"}""");
        var kept = Directory.GetDirectories(Path.Combine(_stateDir, "images")).Single();

        // An image unpacked earlier that no fn names any more (a deploy moved its fn to a new tag).
        var stale = Path.Combine(_stateDir, "images", new string('a', 64));
        Directory.CreateDirectory(Path.Combine(stale, "rootfs", "etc"));
        File.WriteAllText(Path.Combine(stale, "rootfs", "etc", "hostname"), "stale");
        File.WriteAllText(Path.Combine(stale, "image"), "fnsharp-test/old:1");

        var removed = await _server.Services.GetRequiredService<ImageCleanup>().CleanAsync(CancellationToken.None);
        var second = await client.InvokeAsync(fn.Id, """{"body":"two"}""");

        Assert.Equal(1, removed);
        Assert.Equal([kept], Directory.GetDirectories(Path.Combine(_stateDir, "images")));
        Assert.Equal((HttpStatusCode.OK, "one"), (first.StatusCode, first.Body));
        Assert.Equal((HttpStatusCode.OK, "two"), (second.StatusCode, second.Body));
    }

    [SkippableFact]
    public async Task InvokeDetached_TestFn_RunsToSuccess()
    {
        RuncProbe.SkipUnlessAvailable();
        var client = _server.CreateFnClient();
        var app = await client.CreateAppAsync(new App { Name = "runc-detached" });
        var fn = await client.CreateFnAsync(new Fn { Name = "later", AppId = app.Id, Image = Image, Memory = 128 });

        var accepted = await client.InvokeDetachedAsync(fn.Id, """{"body":"later"}""");
        using var failsafe = new CancellationTokenSource(Failsafe);
        var attempt = await _attempts.Reader.ReadAsync(failsafe.Token);
        var call = await client.GetCallAsync(fn.Id, accepted.CallId!);

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal((accepted.CallId, DetachedSettlement.Completed), (attempt.CallId, attempt.Settlement));
        Assert.Equal((CallTypes.Detached, CallStates.Success), (call.Type, call.Status));
    }

    [SkippableFact]
    public async Task Invoke_ImageMissing_SameAnswerAsOnDocker()
    {
        RuncProbe.SkipUnlessAvailable();
        await using var docker = new FnSharpServerFactory();

        var onRunc = await InvokeMissingImageAsync(_server);
        var onDocker = await InvokeMissingImageAsync(docker);

        Assert.Equal(HttpStatusCode.BadGateway, onRunc.StatusCode);
        Assert.Contains(MissingImage, onRunc.Body, StringComparison.Ordinal);
        Assert.Equal((onDocker.StatusCode, onDocker.Body), (onRunc.StatusCode, onRunc.Body));
    }

    [SkippableFact]
    public async Task Start_ContainerOfAKilledServerOfThisNode_Removed()
    {
        RuncProbe.SkipUnlessAvailable();

        // The "killed" server: its driver starts a container and never removes it.
        var killed = new RuncDriver(
            new RuncDriverOptions { Driver = ContainerDriverKind.Runc, StateDir = _stateDir },
            new DockerDriverOptions { Node = _server.NodeName },
            TimeProvider.System,
            NullLogger<RuncDriver>.Instance);
        var appModel = Models.App();
        var fnModel = Models.Fn(appModel, Image);
        var running = await killed.CreateAsync(new ContainerSpec { Image = Image, AppId = appModel.Id, FnId = fnModel.Id, MemoryMiB = fnModel.Memory, Environment = ContainerEnvironment.Build(appModel, fnModel) }, CancellationToken.None);
        await running.StartAsync(CancellationToken.None);
        killed.Dispose();
        var runcState = Path.Combine(_stateDir, "nodes", _server.NodeName, "state");
        Assert.Single(Directory.GetDirectories(runcState));

        _server.CreateClient().Dispose();

        Assert.Empty(Directory.GetDirectories(runcState));
        Assert.Empty(Directory.GetDirectories(Path.Combine(_stateDir, "nodes", _server.NodeName, "bundles")));
        Assert.False(Directory.Exists(Path.GetDirectoryName(running.SocketPath)));
    }

    private static async Task<FnSharp.Client.InvokeResult> InvokeMissingImageAsync(FnSharpServerFactory server)
    {
        var client = server.CreateFnClient();
        var app = await client.CreateAppAsync(new App { Name = "missing" });
        var fn = await client.CreateFnAsync(new Fn { Name = "missing", AppId = app.Id, Image = MissingImage });
        return await client.InvokeAsync(fn.Id, "{}");
    }

    private sealed class AttemptWriter(ChannelWriter<DetachedAttempt> writer) : IDetachedCallObserver
    {
        public void AttemptSettled(DetachedAttempt attempt) => writer.TryWrite(attempt);
    }
}
