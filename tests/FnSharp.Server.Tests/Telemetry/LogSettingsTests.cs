using FnSharp.Server.Configuration;
using FnSharp.Server.Telemetry;
using FnSharp.Testing;
using FnSharp.Testing.Fakes;
using FnSharp.Testing.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace FnSharp.Server.Tests.Telemetry;

/// <summary><c>FN_LOG_FORMAT</c> and <c>FN_LOG_LEVEL</c>: parsing, their effect on the host's logging, and start-up failures.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class LogSettingsTests
{
    [Theory]
    [InlineData("debug", LogLevel.Debug)]
    [InlineData("info", LogLevel.Information)]
    [InlineData("warn", LogLevel.Warning)]
    [InlineData("error", LogLevel.Error)]
    [InlineData("fatal", LogLevel.Critical)]
    [InlineData("panic", LogLevel.Critical)]
    [InlineData("Information", LogLevel.Information)]
    [InlineData("WARNING", LogLevel.Warning)]
    [InlineData("Trace", LogLevel.Trace)]
    [InlineData("None", LogLevel.None)]
    public void ParseLevel_FnAndDotNetNames_Level(string text, LogLevel expected) =>
        Assert.Equal(expected, Read(new() { ["FN_LOG_LEVEL"] = text }).Options.MinimumLevel);

    [Fact]
    public void Read_Unset_TextAtInformation()
    {
        var settings = Read([]);

        Assert.Equal(new TelemetryOptions(), settings.Options);
        Assert.Empty(settings.Failures);
    }

    [Fact]
    public void Read_BadValues_FailuresNameEachSetting()
    {
        var settings = Read(new() { ["FN_LOG_FORMAT"] = "xml", ["FN_LOG_LEVEL"] = "loud" });

        Assert.Equal(
            [
                "FN_LOG_FORMAT 'xml' is not a log format: use text or json.",
                "FN_LOG_LEVEL 'loud' is not a log level: use debug, info, warn, error, fatal or a .NET level (Trace, Debug, Information, Warning, Error, Critical, None).",
            ],
            settings.Failures);
    }

    [Theory]
    [InlineData("info")]
    [InlineData("debug")]
    [InlineData("Trace")]
    public async Task Start_AnyLevel_HostingDiagnosticsOff(string level)
    {
        await using var driver = new FakeContainerDriver();
        await using var server = new FnSharpServerFactory(driver);
        server.Settings["FN_LOG_LEVEL"] = level;
        server.CreateClient().Dispose();

        // Enabled at any level, ASP.NET Core's hosting would start an Activity and a log scope for every call.
        var logger = server.Services.GetRequiredService<ILoggerFactory>().CreateLogger(TelemetryExtensions.HostingDiagnosticsCategory);

        Assert.False(logger.IsEnabled(LogLevel.Critical));
    }

    [Fact]
    public async Task Start_HostingDiagnosticsConfigured_ConfiguredLevelKept()
    {
        await using var driver = new FakeContainerDriver();
        await using var server = new FnSharpServerFactory(driver);
        server.Settings["Logging:LogLevel:" + TelemetryExtensions.HostingDiagnosticsCategory] = "Information";
        server.CreateClient().Dispose();

        var logger = server.Services.GetRequiredService<ILoggerFactory>().CreateLogger(TelemetryExtensions.HostingDiagnosticsCategory);

        Assert.True(logger.IsEnabled(LogLevel.Information));
        Assert.False(logger.IsEnabled(LogLevel.Debug));
    }

    [Fact]
    public async Task Start_JsonFormatAndDebugLevel_JsonConsoleAndDebugEnabled()
    {
        await using var driver = new FakeContainerDriver();
        await using var server = new FnSharpServerFactory(driver);
        server.Settings["FN_LOG_FORMAT"] = "json";
        server.Settings["FN_LOG_LEVEL"] = "debug";
        server.CreateClient().Dispose();

        var console = server.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue;
        var logger = server.Services.GetRequiredService<ILoggerFactory>().CreateLogger("FnSharp.Agent.Runner.SlotQueue");

        Assert.Equal(ConsoleFormatterNames.Json, console.FormatterName);
        Assert.True(logger.IsEnabled(LogLevel.Debug));
    }

    [Fact]
    public async Task Start_JsonFormat_EveryLineHasAUtcTimestamp()
    {
        await using var driver = new FakeContainerDriver();
        await using var server = new FnSharpServerFactory(driver);
        server.Settings["FN_LOG_FORMAT"] = "json";
        server.CreateClient().Dispose();

        // The built-in formatter leaves the Timestamp out unless it has a format.
        var json = server.Services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue;

        Assert.True(json.UseUtcTimestamp);
        Assert.Equal("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", json.TimestampFormat);
        Assert.Equal("2026-11-30T10:29:07.577Z", new DateTimeOffset(2026, 11, 30, 10, 29, 7, 577, TimeSpan.Zero).UtcDateTime.ToString(json.TimestampFormat, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Start_WarnLevel_InformationOff()
    {
        await using var driver = new FakeContainerDriver();
        await using var server = new FnSharpServerFactory(driver);
        server.Settings["FN_LOG_LEVEL"] = "warn";
        server.CreateClient().Dispose();

        var logger = server.Services.GetRequiredService<ILoggerFactory>().CreateLogger("FnSharp.Agent.Runner.SlotQueue");

        Assert.False(logger.IsEnabled(LogLevel.Information));
        Assert.True(logger.IsEnabled(LogLevel.Warning));
    }

    [Fact]
    public void Start_BadLogLevel_FailsNamingTheSetting()
    {
        // The start-up validation itself, without racing a host that stops as it starts.
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["FN_LOG_LEVEL"] = "loud" });
        builder.AddFnSharpTelemetry();
        using var app = builder.Build();

        var e = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(["FN_LOG_LEVEL 'loud' is not a log level: use debug, info, warn, error, fatal or a .NET level (Trace, Debug, Information, Warning, Error, Critical, None)."], e.Failures);
    }

    private static (TelemetryOptions Options, IReadOnlyList<string> Failures) Read(Dictionary<string, string?> settings) =>
        Settings.Telemetry.Read(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
}
