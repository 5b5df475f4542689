using System.Diagnostics.Metrics;
using Docker.DotNet;

namespace FnSharp.Docker;

/// <summary>
/// Times the driver's Engine API calls on the meter <c>FnSharp.Docker</c>:
/// <c>fnsharp_docker_api_duration_seconds</c> per operation and <c>fnsharp_docker_api_errors_total</c>
/// per operation for calls the engine failed (unreachable, or a 5xx answer). An answer such as 404 or
/// 409 is the engine working and is not an error; a cancelled call is neither timed nor counted.
/// </summary>
public static class DockerApiMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "FnSharp.Docker";

    private static readonly Meter s_meter = new(MeterName);

    private static readonly Histogram<double> s_duration = s_meter.CreateHistogram(
        "fnsharp_docker_api_duration_seconds",
        "s",
        "Time of an Engine API call, tagged with its operation.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });

    private static readonly Counter<long> s_errors = s_meter.CreateCounter<long>(
        "fnsharp_docker_api_errors_total",
        null,
        "Engine API calls that failed (engine unreachable or a 5xx answer), tagged with their operation.");

    /// <summary>Runs and times <paramref name="call"/>, the Engine API operation <paramref name="operation"/>.</summary>
    public static async Task<T> TimeAsync<T>(string operation, TimeProvider time, Func<Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(call);
        var began = time.GetTimestamp();
        try
        {
            var result = await call();
            Record(operation, time, began);
            return result;
        }
        catch (Exception e) when (Observe(operation, time, began, e))
        {
            throw; // Never runs: Observe returns false.
        }
    }

    /// <summary>Runs and times <paramref name="call"/>, the Engine API operation <paramref name="operation"/>.</summary>
    public static Task TimeAsync(string operation, TimeProvider time, Func<Task> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return TimeAsync(operation, time, async () =>
        {
            await call();
            return true;
        });
    }

    /// <summary>Whether <paramref name="e"/> means the engine failed, rather than answered a client error.</summary>
    internal static bool IsEngineFault(Exception e) => e switch
    {
        OperationCanceledException => false,
        DockerApiException api => (int)api.StatusCode >= 500,
        _ => true,
    };

    private static void Record(string operation, TimeProvider time, long began) =>
        s_duration.Record(time.GetElapsedTime(began).TotalSeconds, new KeyValuePair<string, object?>("operation", operation));

    private static bool Observe(string operation, TimeProvider time, long began, Exception e)
    {
        if (e is OperationCanceledException)
        {
            return false;
        }

        Record(operation, time, began);
        if (IsEngineFault(e))
        {
            s_errors.Add(1, new KeyValuePair<string, object?>("operation", operation));
        }

        return false;
    }
}
