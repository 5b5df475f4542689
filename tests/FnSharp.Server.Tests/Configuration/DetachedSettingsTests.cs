using FnSharp.Server.Configuration;
using FnSharp.Server.Detached;
using FnSharp.Testing;
using FnSharp.Testing.Fakes;
using FnSharp.Testing.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace FnSharp.Server.Tests.Configuration;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class DetachedSettingsTests
{
    [Fact]
    public void Configure_Nothing_Defaults()
    {
        var read = Read([]);
        var options = read.Options;

        Assert.Equal((8, 1000, 21_600, 1000, 300_000, 60_000), (options.MaxConcurrent, options.PollMs, options.MaxEventAgeSeconds, options.RetryBaseMs, options.RetryMaxMs, options.LeaseMs));
        Assert.Equal(TimeSpan.FromSeconds(20), options.LeaseRenewal);
        Assert.Empty(Failures(read));
    }

    [Fact]
    public void Configure_EverySetting_Read()
    {
        var read = Read(new()
        {
            ["FN_ASYNC_MAX_CONCURRENT"] = "0",
            ["FN_ASYNC_POLL_MSECS"] = "50",
            ["FN_ASYNC_MAX_EVENT_AGE_SECS"] = "60",
            ["FN_ASYNC_RETRY_BASE_MSECS"] = "10",
            ["FN_ASYNC_RETRY_MAX_MSECS"] = "10",
            ["FN_ASYNC_LEASE_MSECS"] = "3000",
        });
        var options = read.Options;

        Assert.Equal((0, 50, 60, 10, 10, 3000), (options.MaxConcurrent, options.PollMs, options.MaxEventAgeSeconds, options.RetryBaseMs, options.RetryMaxMs, options.LeaseMs));
        Assert.Empty(Failures(read));
    }

    [Theory]
    [InlineData("FN_ASYNC_MAX_CONCURRENT", "-1", "FN_ASYNC_MAX_CONCURRENT must be a number of calls from 0 (the worker off) to 10000, not -1.")]
    [InlineData("FN_ASYNC_POLL_MSECS", "0", "FN_ASYNC_POLL_MSECS must be a positive number of milliseconds, not 0.")]
    [InlineData("FN_ASYNC_MAX_EVENT_AGE_SECS", "0", "FN_ASYNC_MAX_EVENT_AGE_SECS must be a positive number of seconds, not 0.")]
    [InlineData("FN_ASYNC_RETRY_MAX_MSECS", "999", "FN_ASYNC_RETRY_MAX_MSECS must be at least FN_ASYNC_RETRY_BASE_MSECS (1000) milliseconds, not 999.")]
    [InlineData("FN_ASYNC_LEASE_MSECS", "2999", "FN_ASYNC_LEASE_MSECS must be at least 3000 milliseconds (leases are renewed every third of it), not 2999.")]
    public void Validate_BadSetting_MessageNamesIt(string key, string value, string message) =>
        Assert.Equal([message], Failures(Read(new() { [key] = value })));

    [Fact]
    public void Validate_BadBase_MessageNamesIt() =>
        Assert.Contains("FN_ASYNC_RETRY_BASE_MSECS must be a positive number of milliseconds, not 0.", Failures(Read(new() { ["FN_ASYNC_RETRY_BASE_MSECS"] = "0" })));

    [Fact]
    public async Task Start_BadSetting_RefusesToStartNamingIt()
    {
        await using var driver = new FakeContainerDriver();
        await using var server = new FnSharpServerFactory(driver);
        server.Settings["FN_ASYNC_POLL_MSECS"] = "-5";

        var e = Assert.Throws<OptionsValidationException>(() => server.Start());

        Assert.Contains("FN_ASYNC_POLL_MSECS must be a positive number of milliseconds, not -5.", e.Message, StringComparison.Ordinal);
    }

    private static (DetachedCallOptions Options, IReadOnlyList<string> Failures) Read(Dictionary<string, string?> settings) =>
        Settings.Detached.Read(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

    private static IEnumerable<string> Failures((DetachedCallOptions Options, IReadOnlyList<string> Failures) read) => read.Failures;
}
