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

    private readonly Meter _meter;
    private readonly TimeProvider _time;
    private readonly TimedCalls _engineCalls;
    private readonly TimedCalls _runcCommands;

    internal DockerApiMetrics(TimeProvider time, IMeterFactory? meterFactory)
    {
        _time = time;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _engineCalls = new TimedCalls(
            _meter,
            "operation",
            ("fnsharp_docker_api_duration_seconds", "Time of an Engine API call, tagged with its operation."),
            ("fnsharp_docker_api_errors_total", "Engine API calls that failed (engine unreachable, no answer in time, or a 5xx answer), tagged with their operation."));
        _runcCommands = new TimedCalls(
            _meter,
            "command",
            ("fnsharp_runc_command_duration_seconds", "Time of a runc command of the runc driver, tagged with the command (run: from its spawn until the container's process runs)."),
            ("fnsharp_runc_command_errors_total", "runc commands of the runc driver that failed, tagged with the command."));
    }

    /// <summary>Records one runc command of the runc driver: its time and, when it failed, an error.</summary>
    internal void RecordRunc(string command, TimeSpan elapsed, bool failed) => _runcCommands.Record(command, elapsed, failed);

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

    private void Record(string operation, long began) => _engineCalls.Record(operation, _time.GetElapsedTime(began), failed: false);

    private bool Observe(string operation, long began, Exception e)
    {
        if (e is not OperationCanceledException)
        {
            _engineCalls.Record(operation, _time.GetElapsedTime(began), IsEngineFault(e));
        }

        return false;
    }
}
