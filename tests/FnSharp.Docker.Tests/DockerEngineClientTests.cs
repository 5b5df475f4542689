using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Time.Testing;
using FnSharp.Testing;
using FnSharp.Testing.Fakes;
using FnSharp.Testing.Metrics;

namespace FnSharp.Docker.Tests;

/// <summary>The driver's one Engine API client: each call timed under its operation, engine faults counted, an engine that never answers given up on, on stand-in engines.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class DockerEngineClientTests : IAsyncLifetime
{
    // A wait for what the client must do at once, bounded so that a client that does not fails the test instead of hanging it.
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private readonly FakeDockerEngine _engine = new();
    private readonly MeasuringMeterFactory _meters = new();
    private DockerApiMetrics? _metrics;
    private DockerEngineClient? _client;

    public async Task InitializeAsync()
    {
        await _engine.StartAsync();
        _metrics = new DockerApiMetrics(TimeProvider.System, _meters);
        _client = new DockerEngineClient(new DockerDriverOptions { Endpoint = _engine.Endpoint }, _metrics, TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        _metrics?.Dispose();
        _meters.Dispose();
        await _engine.DisposeAsync();
    }

    [Fact]
    public async Task PingAsync_EngineAnswers_TimedAsPingAndNoError()
    {
        await _client!.PingAsync(CancellationToken.None);

        Assert.Equal(1, _meters.CountOf("fnsharp_docker_api_duration_seconds", "operation", "ping"));
        Assert.Equal(0, _meters.CountOf("fnsharp_docker_api_errors_total", "operation", "ping"));
    }

    [Fact]
    public async Task InspectContainerAsync_UnknownContainer_NotFoundTimedButNoError()
    {
        await Assert.ThrowsAsync<DockerContainerNotFoundException>(() => _client!.InspectContainerAsync("no-such-container", CancellationToken.None));

        Assert.Equal(1, _meters.CountOf("fnsharp_docker_api_duration_seconds", "operation", "container_inspect"));
        Assert.Equal(0, _meters.CountOf("fnsharp_docker_api_errors_total", "operation", "container_inspect"));
    }

    [Fact]
    public async Task WaitContainerAsync_EngineGone_TimedAndCountedAsAnError()
    {
        await _engine.StopAsync();

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => _client!.WaitContainerAsync("any", CancellationToken.None));

        Assert.Equal(1, _meters.CountOf("fnsharp_docker_api_duration_seconds", "operation", "container_wait"));
        Assert.Equal(1, _meters.CountOf("fnsharp_docker_api_errors_total", "operation", "container_wait"));
    }

    [Fact]
    public async Task CreateContainerAsync_EngineNeverAnswers_FailsAsUnreachableAfterTheTimeoutAndCountedAsAnError()
    {
        using var standIn = new StandIn(_meters, answersPing: false);
        var (silent, time, client) = (standIn.Engine, standIn.Time, standIn.Client);

        var create = client.CreateContainerAsync(new CreateContainerParameters { Image = "any" }, CancellationToken.None);
        await silent.RequestsRead("/containers/create");
        time.Advance(TimeSpan.FromMilliseconds(1500));
        await silent.RequestsRead("/_ping");
        time.Advance(TimeSpan.FromMilliseconds(1499));
        var early = create.IsCompleted;
        time.Advance(TimeSpan.FromMilliseconds(1));
        var failure = await Assert.ThrowsAsync<DockerEngineTimeoutException>(() => create);

        Assert.False(early);
        Assert.True(DockerEngineClient.IsUnreachable(failure));
        Assert.Equal("container_create got no answer within 3000 ms (FN_DOCKER_API_TIMEOUT_MSECS)", failure.Message);
        Assert.Equal(1, _meters.CountOf("fnsharp_docker_api_errors_total", "operation", "container_create"));

        // The unanswered ping shows too: timed, and an engine error.
        Assert.Equal(1, _meters.CountOf("fnsharp_docker_api_duration_seconds", "operation", "ping"));
        Assert.Equal(1, _meters.CountOf("fnsharp_docker_api_errors_total", "operation", "ping"));
    }

    [Fact]
    public async Task CreateContainerAsync_BusyEngineAnswersPingsThenTheCall_WaitedForPastTheTimeoutAndNoError()
    {
        using var standIn = new StandIn(_meters, answersPing: true);
        var (busy, time, client) = (standIn.Engine, standIn.Time, standIn.Client);

        var create = client.CreateContainerAsync(new CreateContainerParameters { Image = "any" }, CancellationToken.None);
        await busy.RequestsRead("/containers/create");
        for (var ping = 1; ping <= 4; ping++)
        {
            // Each half of the timeout without an answer, a ping; each answered, so the call is waited for (6 s in all).
            time.Advance(TimeSpan.FromMilliseconds(1500));
            await _meters.Counted("fnsharp_docker_api_duration_seconds", "operation", "ping", ping).WaitAsync(Guard);
        }

        time.Advance(TimeSpan.FromMilliseconds(1000));
        var waiting = !create.IsCompleted;
        await busy.AnswerAsync("/containers/create", "201 Created", """{"Id":"c1","Warnings":[]}""");
        var created = await create;

        Assert.True(waiting);
        Assert.Equal("c1", created.ID);
        Assert.Equal(0, _meters.CountOf("fnsharp_docker_api_errors_total", "operation", "container_create"));
        Assert.Equal(0, _meters.CountOf("fnsharp_docker_api_errors_total", "operation", "ping"));
    }

    [Fact]
    public async Task CreateContainerAsync_EngineAnswersPingsButNeverTheCall_GivenUpAfterAMinuteNamingThePings()
    {
        using var standIn = new StandIn(_meters, answersPing: true);
        var (busy, time, client) = (standIn.Engine, standIn.Time, standIn.Client);

        var create = client.CreateContainerAsync(new CreateContainerParameters { Image = "any" }, CancellationToken.None);
        await busy.RequestsRead("/containers/create");
        for (var ping = 1; ping < 40; ping++)
        {
            time.Advance(TimeSpan.FromMilliseconds(1500));
            await _meters.Counted("fnsharp_docker_api_duration_seconds", "operation", "ping", ping).WaitAsync(Guard);
        }

        var early = create.IsCompleted;
        time.Advance(TimeSpan.FromMilliseconds(1500));
        var failure = await Assert.ThrowsAsync<DockerEngineTimeoutException>(() => create);

        Assert.False(early);
        Assert.Equal(TimeSpan.FromMinutes(1), client.BusyEngineLimit);
        Assert.True(DockerEngineClient.IsUnreachable(failure));
        Assert.Equal("container_create got no answer within 60000 ms (while the engine answered its pings)", failure.Message);
        Assert.Equal(1, _meters.CountOf("fnsharp_docker_api_errors_total", "operation", "container_create"));
    }

    [Fact]
    public async Task RemoveContainerAsync_BusyEngineAnswersPings_GivenUpAtTheTimeoutAsBeforeSoThatAStopEnds()
    {
        using var standIn = new StandIn(_meters, answersPing: true);
        var (busy, time, client) = (standIn.Engine, standIn.Time, standIn.Client);

        var remove = client.RemoveContainerAsync("c1", CancellationToken.None);
        await busy.RequestsRead("/containers/c1");
        time.Advance(TimeSpan.FromMilliseconds(2999));
        var early = remove.IsCompleted;
        time.Advance(TimeSpan.FromMilliseconds(1));
        var failure = await Assert.ThrowsAsync<DockerEngineTimeoutException>(() => remove);

        Assert.False(early);
        Assert.Equal("container_remove got no answer within 3000 ms (FN_DOCKER_API_TIMEOUT_MSECS)", failure.Message);
        Assert.Equal(0, _meters.CountOf("fnsharp_docker_api_duration_seconds", "operation", "ping"));
    }

    [Fact]
    public async Task PingAsync_EngineNeverAnswersAndTheCallerCancels_CancelledNotATimeout()
    {
        using var silent = new SilentDockerEngine();
        var time = new FakeTimeProvider();
        using var metrics = new DockerApiMetrics(time, _meters);
        using var client = new DockerEngineClient(new DockerDriverOptions { Endpoint = silent.Endpoint }, metrics, time);
        using var cancel = new CancellationTokenSource();

        var ping = client.PingAsync(cancel.Token);
        await silent.RequestRead;
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ping);
        Assert.Equal(0, _meters.CountOf("fnsharp_docker_api_errors_total", "operation", "ping"));
    }

    [Fact]
    public async Task RemoveContainerAsync_ContainerAlreadyGone_DoneAndTimed()
    {
        // The stand-in engine answers 404 to everything but ping and version, as the real one does for a removed container.
        await _client!.RemoveContainerAsync("gone", CancellationToken.None);
        await _client.KillContainerAsync("gone", CancellationToken.None);

        Assert.Equal(1, _meters.CountOf("fnsharp_docker_api_duration_seconds", "operation", "container_remove"));
        Assert.Equal(1, _meters.CountOf("fnsharp_docker_api_duration_seconds", "operation", "container_kill"));
    }

    /// <summary>A client of a stand-in engine (<see cref="SilentDockerEngine"/>) with a 3 s API timeout on a fake clock.</summary>
    private sealed class StandIn : IDisposable
    {
        private readonly DockerApiMetrics _metrics;

        public StandIn(MeasuringMeterFactory meters, bool answersPing)
        {
            Engine = new SilentDockerEngine(answersPing);
            _metrics = new DockerApiMetrics(Time, meters);
            Client = new DockerEngineClient(new DockerDriverOptions { Endpoint = Engine.Endpoint, ApiTimeoutMs = 3000 }, _metrics, Time);
        }

        public SilentDockerEngine Engine { get; }

        public FakeTimeProvider Time { get; } = new();

        public DockerEngineClient Client { get; }

        public void Dispose()
        {
            Client.Dispose();
            _metrics.Dispose();
            Engine.Dispose();
        }
    }
}
