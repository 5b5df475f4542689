using FnSharp.Bench;
using FnSharp.Testing;

namespace FnSharp.Bench.Tests;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class PrometheusTextTests
{
    private const string Metrics = """
        # HELP fnsharp_container_starts_total Container starts.
        # TYPE fnsharp_container_starts_total counter
        fnsharp_container_starts_total{otel_scope_name="FnSharp.Agent",fn_id="A",result="started"} 3 1733300000000
        fnsharp_container_starts_total{otel_scope_name="FnSharp.Agent",fn_id="B",result="started"} 4
        fnsharp_container_starts_total{otel_scope_name="FnSharp.Agent",fn_id="B",result="failed"} 1
        fnsharp_container_starts_total_other 100
        fnsharp_calls_total 12
        """;

    // Q's successful calls: 100 before, then 200 more: 150 up to 1 ms, 48 more up to 10 ms, 2 above (and one error after).
    private static readonly string Before = Histogram("Q", "success", 90, 99, 100) + Histogram("N", "success", 5, 5, 5) + "fnsharp_call_execution_seconds_sum{fn_id=\"Q\",status=\"success\"} 0.5\n";

    private static readonly string After = Histogram("Q", "success", 240, 297, 300) + Histogram("Q", "error", 0, 0, 1) + Histogram("N", "success", 500, 900, 1000);

    [Fact]
    public void Sum_EverySeriesOfTheMetric() => Assert.Equal(8, PrometheusText.Sum(Metrics, "fnsharp_container_starts_total"));

    [Fact]
    public void Sum_OnlySeriesWithTheLabel() => Assert.Equal(7, PrometheusText.Sum(Metrics, "fnsharp_container_starts_total", "result=\"started\""));

    [Fact]
    public void Sum_SeriesWithoutLabels() => Assert.Equal(12, PrometheusText.Sum(Metrics, "fnsharp_calls_total"));

    [Fact]
    public void Sum_Absent_Zero() => Assert.Equal(0, PrometheusText.Sum(Metrics, "fnsharp_nothing_total"));

    [Fact]
    public void Buckets_SeriesWithTheLabel_SummedByUpperBound()
    {
        var buckets = PrometheusText.Buckets(After, "fnsharp_call_execution_seconds", "fn_id=\"Q\"");

        Assert.Equal([0.001, 0.01, double.PositiveInfinity], buckets.Keys);
        Assert.Equal([240, 297, 301], buckets.Values);
    }

    [Fact]
    public void QuantileUpperBound_ObservationsBetweenReadings_BucketHoldingTheQuantile()
    {
        var quietBefore = PrometheusText.Buckets(Before, "fnsharp_call_execution_seconds", "fn_id=\"Q\",status=\"success\"");
        var quietAfter = PrometheusText.Buckets(After, "fnsharp_call_execution_seconds", "fn_id=\"Q\",status=\"success\"");

        Assert.Equal(0.001, PrometheusText.QuantileUpperBound(quietBefore, quietAfter, 0.5));
        Assert.Equal(0.01, PrometheusText.QuantileUpperBound(quietBefore, quietAfter, 0.99));
        Assert.Equal(double.PositiveInfinity, PrometheusText.QuantileUpperBound(quietBefore, quietAfter, 0.995));
    }

    [Fact]
    public void QuantileUpperBound_NoObservationBetweenReadings_Null()
    {
        var buckets = PrometheusText.Buckets(After, "fnsharp_call_execution_seconds", "fn_id=\"Q\"");

        Assert.Null(PrometheusText.QuantileUpperBound(buckets, buckets, 0.99));
    }

    /// <summary>The cumulative buckets (1 ms, 10 ms, +Inf) of fn <paramref name="fn"/>'s round trips with <paramref name="status"/>, as the server writes them.</summary>
    private static string Histogram(string fn, string status, int upTo1Ms, int upTo10Ms, int all) =>
        string.Join('\n', new[] { ("0.001", upTo1Ms), ("0.01", upTo10Ms), ("+Inf", all) }.Select(b =>
            $"fnsharp_call_execution_seconds_bucket{{otel_scope_name=\"FnSharp.Agent\",fn_id=\"{fn}\",status=\"{status}\",le=\"{b.Item1}\"}} {b.Item2}")) + "\n";
}
