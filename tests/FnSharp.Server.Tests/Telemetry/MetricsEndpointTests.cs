using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using FnSharp.Agent.Runner;
using FnSharp.Client;
using FnSharp.Core.Models;
using FnSharp.Testing;
using FnSharp.Testing.Fakes;
using FnSharp.Testing.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Server.Tests.Telemetry;

/// <summary><c>GET /metrics</c> after a known sequence of calls through the real pipeline, on a fake driver and a fake clock.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class MetricsEndpointTests : IAsyncLifetime
{
    private readonly FakeContainerDriver _driver = new();
    private readonly FnSharpServerFactory _server;

    public MetricsEndpointTests()
    {
        _server = new FnSharpServerFactory(_driver) { Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero)) };
        _server.Settings["FN_MAX_QUEUED_PER_FN"] = "1";
        _server.Settings["FN_FREEZE_IDLE_MSECS"] = "-1";
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _driver.DisposeAsync();
    }

    [Fact]
    public async Task Metrics_AnotherServerInTheProcess_ItsMeasurementsNeverInThisOnesSeriesNorItsStopTheirEnd()
    {
        var http = _server.CreateClient();
        await using var otherDriver = new FakeContainerDriver();
        var other = new FnSharpServerFactory(otherDriver);
        other.CreateClient().Dispose();
        var own = ProbeCounter(_server);
        var others = ProbeCounter(other);

        own.Add(1, ProbeTag);
        others.Add(5, ProbeTag);
        await other.DisposeAsync();
        own.Add(1, ProbeTag);
        var text = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        // Merged, it read 7 (the other server's 5 among them), then nothing once that series was removed.
        Assert.Equal(2, PrometheusText.Samples(text, "probe=\"same\"")["fnsharp_probe_total{}"]);
    }

    [Fact]
    public async Task Metrics_KnownSequenceOfCalls_ExactSamplesForTheFn()
    {
        var http = _server.CreateClient();
        var client = new FnSharpClient(http);
        var app = await client.CreateAppAsync(new App { Name = "metrics" });
        var fn = await client.CreateFnAsync(new Fn { Name = "f", AppId = app.Id, Image = "fake", Memory = 128 });
        _driver.SetHandler(fn.Id, async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            context.Response.StatusCode = await reader.ReadToEndAsync() switch
            {
                "fail" => 502,
                "timeout" => 504,
                _ => 200,
            };
        });

        // A first call waits for a container held at the start; a second one finds the fn's queue full.
        var startGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _driver.StartHook = (_, _) => startGate.Task;
        var first = client.InvokeAsync(fn.Id, "ok");
        await _driver.WaitUntilAsync(d => d.StartingCount == 1);
        var refused = await client.InvokeAsync(fn.Id, "ok");
        startGate.SetResult();
        Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await client.InvokeAsync(fn.Id, "ok")).StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, (await client.InvokeAsync(fn.Id, "fail")).StatusCode);
        Assert.Equal(HttpStatusCode.GatewayTimeout, (await client.InvokeAsync(fn.Id, "timeout")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.InvokeAsync(fn.Id, "ok")).StatusCode);
        await _driver.WaitUntilAsync(d => d.LiveCountOf(fn.Id) == 1);

        var text = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var samples = PrometheusText.Samples(text, $"fn_id=\"{fn.Id}\"");

        Assert.Equal(new SortedDictionary<string, double>(StringComparer.Ordinal)
        {
            ["fnsharp_call_errors_total{kind=\"function_failed\"}"] = 1,
            ["fnsharp_call_execution_seconds_count{status=\"function_failed\"}"] = 1,
            ["fnsharp_call_execution_seconds_count{status=\"success\"}"] = 3,
            ["fnsharp_call_execution_seconds_count{status=\"timed_out\"}"] = 1,
            ["fnsharp_call_execution_seconds_sum{status=\"function_failed\"}"] = 0,
            ["fnsharp_call_execution_seconds_sum{status=\"success\"}"] = 0,
            ["fnsharp_call_execution_seconds_sum{status=\"timed_out\"}"] = 0,
            ["fnsharp_call_queue_wait_seconds_count{}"] = 5,
            ["fnsharp_call_start_kinds_total{kind=\"cold\"}"] = 2,
            ["fnsharp_call_start_kinds_total{kind=\"warm\"}"] = 3,
            ["fnsharp_call_queue_wait_seconds_sum{}"] = 0,
            ["fnsharp_call_timeouts_total{}"] = 1,
            ["fnsharp_calls_completed_total{status=\"function_failed\"}"] = 1,
            ["fnsharp_calls_completed_total{status=\"success\"}"] = 3,
            ["fnsharp_calls_completed_total{status=\"timed_out\"}"] = 1,
            ["fnsharp_calls_completed_total{status=\"too_busy\"}"] = 1,
            ["fnsharp_calls_queued_total{}"] = 2,
            ["fnsharp_calls_running{}"] = 0,
            ["fnsharp_calls_too_busy_total{limit=\"fn_queue\"}"] = 1,
            ["fnsharp_calls_total{}"] = 6,
            ["fnsharp_calls_waiting{}"] = 0,
            ["fnsharp_container_start_phase_seconds_count{phase=\"create\"}"] = 2,
            ["fnsharp_container_start_phase_seconds_count{phase=\"ready\"}"] = 2,
            ["fnsharp_container_start_phase_seconds_count{phase=\"start\"}"] = 2,
            ["fnsharp_container_start_phase_seconds_sum{phase=\"create\"}"] = 0,
            ["fnsharp_container_start_phase_seconds_sum{phase=\"ready\"}"] = 0,
            ["fnsharp_container_start_phase_seconds_sum{phase=\"start\"}"] = 0,
            ["fnsharp_container_start_seconds_count{}"] = 2,
            ["fnsharp_container_start_seconds_sum{}"] = 0,
            ["fnsharp_container_starts_total{result=\"started\"}"] = 2,
            ["fnsharp_containers{state=\"busy\"}"] = 0,
            ["fnsharp_containers{state=\"idle\"}"] = 1,
            ["fnsharp_containers{state=\"paused\"}"] = 0,
            ["fnsharp_containers{state=\"starting\"}"] = 0,
        }, samples);
        Assert.Contains("# TYPE fnsharp_calls_total counter", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE fnsharp_containers gauge", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE fnsharp_call_queue_wait_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE fnsharp_memory_total_bytes gauge", text, StringComparison.Ordinal);
    }

    /// <summary>The tag of the probe counters' samples: the same series on every server.</summary>
    private static readonly KeyValuePair<string, object?> ProbeTag = new("probe", "same");

    /// <summary>A counter on the runner's meter as <paramref name="server"/>'s own meter factory makes it.</summary>
    private static Counter<long> ProbeCounter(FnSharpServerFactory server) =>
        server.Services.GetRequiredService<IMeterFactory>().Create(RunnerAgent.MeterName).CreateCounter<long>("fnsharp_probe_total");
}
