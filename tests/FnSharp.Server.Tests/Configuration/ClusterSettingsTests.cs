using FnSharp.Server.Cluster;
using FnSharp.Server.Configuration;
using FnSharp.Testing;
using FnSharp.Testing.Fakes;
using FnSharp.Testing.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace FnSharp.Server.Tests.Configuration;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class ClusterSettingsTests
{
    [Fact]
    public void Configure_Nothing_Defaults()
    {
        var read = Read([]);
        var options = read.Options;

        Assert.Equal(("", 5000, 3600), (options.Url, options.HeartbeatMs, options.ForgetSecs));
        Assert.Equal(TimeSpan.FromSeconds(15), options.GoneAfter);
        Assert.Empty(Failures(read));
    }

    [Fact]
    public void Configure_EverySetting_Read()
    {
        var read = Read(new()
        {
            ["FN_NODE_URL"] = "https://node-7.example.com:8443/",
            ["FN_NODE_HEARTBEAT_MSECS"] = "250",
            ["FN_NODE_FORGET_SECS"] = "1",
        });
        var options = read.Options;

        Assert.Equal(("https://node-7.example.com:8443", 250, 1), (options.Url, options.HeartbeatMs, options.ForgetSecs));
        Assert.Empty(Failures(read));
    }

    [Theory]
    [InlineData("FN_NODE_URL", "node-7:8080", "FN_NODE_URL must be an http or https URL with a host, for example http://10.0.0.7:8080, not 'node-7:8080'.")]
    [InlineData("FN_NODE_URL", "ftp://node-7", "FN_NODE_URL must be an http or https URL with a host, for example http://10.0.0.7:8080, not 'ftp://node-7'.")]
    [InlineData("FN_NODE_HEARTBEAT_MSECS", "99", "FN_NODE_HEARTBEAT_MSECS must be a number of milliseconds from 100 to 600000, not 99.")]
    [InlineData("FN_NODE_FORGET_SECS", "14", "FN_NODE_FORGET_SECS must be a number of seconds of at least three heartbeats (FN_NODE_HEARTBEAT_MSECS=5000), not 14.")]
    public void Validate_BadSetting_MessageNamesIt(string key, string value, string message) =>
        Assert.Equal([message], Failures(Read(new() { [key] = value })));

    [Fact]
    public async Task Start_BadSetting_RefusesToStartNamingIt()
    {
        await using var driver = new FakeContainerDriver();
        await using var server = new FnSharpServerFactory(driver);
        server.Settings["FN_NODE_HEARTBEAT_MSECS"] = "0";

        var e = Assert.Throws<OptionsValidationException>(() => server.Start());

        Assert.Contains("FN_NODE_HEARTBEAT_MSECS must be a number of milliseconds from 100 to 600000, not 0.", e.Message, StringComparison.Ordinal);
    }

    private static (ClusterOptions Options, IReadOnlyList<string> Failures) Read(Dictionary<string, string?> settings) =>
        Settings.Cluster.Read(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

    private static IEnumerable<string> Failures((ClusterOptions Options, IReadOnlyList<string> Failures) read) => read.Failures;
}
