using FnSharp.Server.Configuration;
using FnSharp.Testing;
using Microsoft.Extensions.Configuration;

namespace FnSharp.Server.Tests.Telemetry;

/// <summary>Spans are exported over OTLP only when the standard <c>OTEL_*</c> variables ask for it.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class TracingSettingsTests
{
    [Theory]
    [InlineData(null, null, null, false)]
    [InlineData("http://collector:4317", null, null, true)]
    [InlineData(null, "http://collector:4318/v1/traces", null, true)]
    [InlineData(null, null, "otlp", true)]
    [InlineData("http://collector:4317", null, "none", false)]
    [InlineData(null, null, "console", false)]
    public void TracingExported_OtelVariables_OnOnlyWhenConfigured(string? endpoint, string? tracesEndpoint, string? exporter, bool expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
                ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = tracesEndpoint,
                ["OTEL_TRACES_EXPORTER"] = exporter,
            })
            .Build();

        Assert.Equal(expected, Settings.Telemetry.Read(configuration).Options.TracingExported);
    }
}
