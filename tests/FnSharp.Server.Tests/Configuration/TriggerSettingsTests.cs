using FnSharp.Server.Configuration;
using FnSharp.Server.Triggers;
using FnSharp.Testing;
using Microsoft.Extensions.Configuration;

namespace FnSharp.Server.Tests.Configuration;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class TriggerSettingsTests
{
    [Fact]
    public void Configure_Nothing_NatsOff()
    {
        var (options, failures) = Read([]);

        Assert.Equal((null, 2000), (options.NatsUrl, options.NatsPollMs));
        Assert.Empty(failures);
    }

    [Fact]
    public void Configure_NatsServers_Read()
    {
        var (options, failures) = Read(new() { ["FN_NATS_URL"] = "nats://user:secret@10.0.0.5:4222, tls://nats.example.com", ["FN_NATS_POLL_MSECS"] = "500" });

        Assert.Equal(("nats://user:secret@10.0.0.5:4222,tls://nats.example.com", 500), (options.NatsUrl, options.NatsPollMs));
        Assert.Empty(failures);
    }

    [Theory]
    [InlineData("FN_NATS_URL", "http://127.0.0.1:4222", "FN_NATS_URL must be a NATS server URL such as nats://127.0.0.1:4222 (or several separated by commas), not 'http://127.0.0.1:4222'.")]
    [InlineData("FN_NATS_URL", "http://user:secret@127.0.0.1:4222", "FN_NATS_URL must be a NATS server URL such as nats://127.0.0.1:4222 (or several separated by commas), not 'http://user:***@127.0.0.1:4222'.")]
    [InlineData("FN_NATS_URL", "nats://a:4222,http://token@127.0.0.1:4222", "FN_NATS_URL must be a NATS server URL such as nats://127.0.0.1:4222 (or several separated by commas), not 'http://***@127.0.0.1:4222'.")]
    [InlineData("FN_NATS_URL", "nats://a:4222,127.0.0.1:4222", "FN_NATS_URL must be a NATS server URL such as nats://127.0.0.1:4222 (or several separated by commas), not '127.0.0.1:4222'.")]
    [InlineData("FN_NATS_POLL_MSECS", "50", "FN_NATS_POLL_MSECS must be a number of milliseconds from 100 to 600000, not 50.")]
    public void Validate_BadSetting_MessageNamesIt(string key, string value, string message) =>
        Assert.Equal([message], Read(new() { [key] = value }).Failures);

    private static (TriggerOptions Options, IReadOnlyList<string> Failures) Read(Dictionary<string, string?> settings) =>
        Settings.Triggers.Read(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
}
