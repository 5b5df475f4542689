using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Docker.DotNet;
using FnSharp.Testing;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Docker.Tests;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class DockerApiMetricsTests : IDisposable
{
    // Each test uses its own operation name: the meter is shared by every test in the process.
    private readonly string _operation = "test_" + Guid.NewGuid().ToString("N")[..8];
    private readonly FakeTimeProvider _time = new();
    private readonly DockerApiMetrics _metrics;
    private readonly ConcurrentQueue<(string Instrument, double Value)> _measurements = new();
    private readonly MeterListener _listener = new();

    public DockerApiMetricsTests()
    {
        _metrics = new DockerApiMetrics(_time, meterFactory: null);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter == _metrics.Meter)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _metrics.Dispose();
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
        Assert.Equal([("fnsharp_docker_api_duration_seconds", 0.25)], _measurements);
    }

    [Fact]
    public async Task TimeAsync_EngineUnreachable_TimedAndCountedAsError()
    {
        await Assert.ThrowsAsync<HttpRequestException>(() => _metrics.TimeAsync(_operation, () => Task.FromException(new HttpRequestException("refused"))));

        Assert.Equal([("fnsharp_docker_api_duration_seconds", 0), ("fnsharp_docker_api_errors_total", 1)], _measurements);
    }

    [Fact]
    public async Task TimeAsync_NotFoundAnswer_TimedButNoError()
    {
        await Assert.ThrowsAsync<DockerApiException>(() => _metrics.TimeAsync(_operation, () => Task.FromException(new DockerApiException(HttpStatusCode.NotFound, "no such container"))));

        Assert.Equal([("fnsharp_docker_api_duration_seconds", 0)], _measurements);
    }

    [Fact]
    public async Task TimeAsync_Cancelled_NeitherTimedNorCounted()
    {
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _metrics.TimeAsync(_operation, () => Task.FromCanceled(new CancellationToken(canceled: true))));

        Assert.Empty(_measurements);
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "operation" && (string?)tag.Value == _operation)
            {
                _measurements.Enqueue((instrument.Name, value));
            }
        }
    }
}
