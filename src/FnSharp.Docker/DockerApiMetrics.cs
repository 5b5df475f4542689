using System.Diagnostics.Metrics;

namespace FnSharp.Docker;

/// <summary>
/// The driver's instruments on the meter <c>FnSharp.Docker</c>, fed by <see cref="DockerEngineClient"/>, through
/// which every Engine API call passes: <c>fnsharp_docker_api_duration_seconds</c> per operation and
/// <c>fnsharp_docker_api_errors_total</c> per operation for calls the engine failed (unreachable, no answer in
/// time, or a 5xx answer). An answer such as 404 or 409 is the engine working and is not an error; a cancelled call is
/// neither timed nor counted. The runc driver's commands have sibling instruments, <c>fnsharp_runc_command_duration_seconds</c>
/// and <c>fnsharp_runc_command_errors_total</c> per command (<see cref="RecordRunc"/>). <c>docs/metrics.md</c> lists the operations.
/// </summary>
public sealed class DockerApiMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "FnSharp.Docker";

    // Seconds, from a quick command to a long pull.
    private static readonly InstrumentAdvice<double> DurationBuckets = new() { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] };

    private readonly Meter _meter;
    private readonly TimeProvider _time;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _errors;
    private readonly Histogram<double> _runcDuration;
    private readonly Counter<long> _runcErrors;

    internal DockerApiMetrics(TimeProvider time, IMeterFactory? meterFactory)
    {
        _time = time;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _duration = _meter.CreateHistogram(
            "fnsharp_docker_api_duration_seconds",
            "s",
            "Time of an Engine API call, tagged with its operation.",
            advice: DurationBuckets);
        _errors = _meter.CreateCounter<long>(
            "fnsharp_docker_api_errors_total",
            null,
            "Engine API calls that failed (engine unreachable, no answer in time, or a 5xx answer), tagged with their operation.");
        _runcDuration = _meter.CreateHistogram(
            "fnsharp_runc_command_duration_seconds",
            "s",
            "Time of a runc command of the runc driver, tagged with the command (run: from its spawn until the container's process runs).",
            advice: DurationBuckets);
        _runcErrors = _meter.CreateCounter<long>(
            "fnsharp_runc_command_errors_total",
            null,
            "runc commands of the runc driver that failed, tagged with the command.");
    }

    /// <summary>Records one runc command of the runc driver: its time and, when it failed, an error.</summary>
    internal void RecordRunc(string command, TimeSpan elapsed, bool failed)
    {
        var tag = new KeyValuePair<string, object?>("command", command);
        _runcDuration.Record(elapsed.TotalSeconds, tag);
        if (failed)
        {
            _runcErrors.Add(1, tag);
        }
    }

    /// <summary>Runs and times <paramref name="call"/>, the Engine API operation <paramref name="operation"/>.</summary>
    internal async Task<T> TimeAsync<T>(string operation, Func<Task<T>> call)
    {
        var began = _time.GetTimestamp();
        try
        {
            var result = await call();
            Record(operation, began);
            return result;
        }
        catch (Exception e) when (Observe(operation, began, e))
        {
            throw; // Never runs: Observe returns false.
        }
    }

    /// <summary>Runs and times <paramref name="call"/>, the Engine API operation <paramref name="operation"/>.</summary>
    internal Task TimeAsync(string operation, Func<Task> call) =>
        TimeAsync(operation, async () =>
        {
            await call();
            return true;
        });

    /// <summary>Whether <paramref name="e"/> means the engine failed, rather than answered a client error.</summary>
    internal static bool IsEngineFault(Exception e) => e switch
    {
        OperationCanceledException => false,
        DockerApiException api => (int)api.StatusCode >= 500,
        _ => true,
    };

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();

    private void Record(string operation, long began) =>
        _duration.Record(_time.GetElapsedTime(began).TotalSeconds, new KeyValuePair<string, object?>("operation", operation));

    private bool Observe(string operation, long began, Exception e)
    {
        if (e is OperationCanceledException)
        {
            return false;
        }

        Record(operation, began);
        if (IsEngineFault(e))
        {
            _errors.Add(1, new KeyValuePair<string, object?>("operation", operation));
        }

        return false;
    }
}
