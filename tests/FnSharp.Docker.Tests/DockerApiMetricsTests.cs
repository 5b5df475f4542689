using System.Net;
using Docker.DotNet;
using FnSharp.Testing;
using FnSharp.Testing.Metrics;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Docker.Tests;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class DockerApiMetricsTests : IDisposable
{
    private readonly string _operation = "test_" + Guid.NewGuid().ToString("N")[..8];
    private readonly FakeTimeProvider _time = new();
    private readonly MeasuringMeterFactory _meters = new();
    private readonly DockerApiMetrics _metrics;

    public DockerApiMetricsTests()
    {
        _metrics = new DockerApiMetrics(_time, _meters);
    }

    public void Dispose()
    {
        _metrics.Dispose();
        _meters.Dispose();
    }

    [Fact]
    public async Task TimeAsync_Answered_DurationInSecondsAndNoError()
    {
        var result = await _metrics.TimeAsync(_operation, async () =>
        {
            _time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Yield();
            return 7;
        });

        Assert.Equal(7, result);
        Assert.Equal([("fnsharp_docker_api_duration_seconds", 0.25)], Measurements());
    }

    [Fact]
    public async Task TimeAsync_EngineUnreachable_TimedAndCountedAsError()
    {
        await Assert.ThrowsAsync<HttpRequestException>(() => _metrics.TimeAsync(_operation, () => Task.FromException(new HttpRequestException("refused"))));

        Assert.Equal([("fnsharp_docker_api_duration_seconds", 0), ("fnsharp_docker_api_errors_total", 1)], Measurements());
    }

    [Fact]
    public async Task TimeAsync_NotFoundAnswer_TimedButNoError()
    {
        await Assert.ThrowsAsync<DockerApiException>(() => _metrics.TimeAsync(_operation, () => Task.FromException(new DockerApiException(HttpStatusCode.NotFound, "no such container"))));

        Assert.Equal([("fnsharp_docker_api_duration_seconds", 0)], Measurements());
    }

    [Fact]
    public async Task TimeAsync_Cancelled_NeitherTimedNorCounted()
    {
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _metrics.TimeAsync(_operation, () => Task.FromCanceled(new CancellationToken(canceled: true))));

        Assert.Empty(Measurements());
    }

    /// <summary>The measurements of this test's operation, in order.</summary>
    private List<(string Instrument, double Value)> Measurements() =>
        [.. _meters.Measurements.Where(m => Equals(m.Tags.GetValueOrDefault("operation"), _operation)).Select(m => (m.Instrument, m.Value))];
}
