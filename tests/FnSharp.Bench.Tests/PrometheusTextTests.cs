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

    [Fact]
    public void Sum_EverySeriesOfTheMetric() => Assert.Equal(8, PrometheusText.Sum(Metrics, "fnsharp_container_starts_total"));

    [Fact]
    public void Sum_OnlySeriesWithTheLabel() => Assert.Equal(7, PrometheusText.Sum(Metrics, "fnsharp_container_starts_total", "result=\"started\""));

    [Fact]
    public void Sum_SeriesWithoutLabels() => Assert.Equal(12, PrometheusText.Sum(Metrics, "fnsharp_calls_total"));

    [Fact]
    public void Sum_Absent_Zero() => Assert.Equal(0, PrometheusText.Sum(Metrics, "fnsharp_nothing_total"));
}
