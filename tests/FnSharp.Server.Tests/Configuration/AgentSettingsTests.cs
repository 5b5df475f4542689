using FnSharp.Agent.Runner;
using FnSharp.Server.Configuration;
using FnSharp.Testing;
using Microsoft.Extensions.Configuration;

namespace FnSharp.Server.Tests.Configuration;

/// <summary>The runner's settings (<see cref="Settings.Agent"/>): bound into <see cref="AgentOptions"/> and checked.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class AgentSettingsTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.Empty(Settings.Agent.Validate(new ConfigurationBuilder().Build(), new AgentOptions()));
    }

    [Theory]
    [InlineData("FN_MAX_WAIT_MSECS", "-1")]
    [InlineData("FN_MAX_CONTAINER_OPS", "0")]
    [InlineData("FN_ASYNC_MEMORY_SHARE", "1.5")]
    [InlineData("FN_MAX_QUEUED_PER_FN", "-3")]
    [InlineData("FN_MAX_QUEUED_TOTAL", "-4")]
    [InlineData("FN_MAX_TOTAL_MEMORY_BYTES", "-5")]
    [InlineData("FN_MAX_TOTAL_CPU_MCPUS", "-6")]
    [InlineData("FN_MEMORY_HEADROOM_MIB", "-7")]
    [InlineData("FN_SHUTDOWN_GRACE_MSECS", "-8")]
    [InlineData("FN_RETRY_AFTER_SECS", "0")]
    [InlineData("FN_KEEPALIVE_POLICY", "learned")]
    [InlineData("FN_KEEPALIVE_COLD_START_GIB_SECS", "-9")]
    [InlineData("FN_FREEZE_CPU_MSECS", "-10")]
    public void Validate_BadValue_MessageNamesSettingAndValue(string setting, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [setting] = value }).Build();

        var failures = Settings.Agent.Read(configuration).Failures;

        var failure = Assert.Single(failures);
        Assert.StartsWith(setting, failure, StringComparison.Ordinal);
        Assert.Contains(value, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TheCostKeepAlivePolicyAndItsPrice_BoundIntoTheOptions()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FN_KEEPALIVE_POLICY"] = "Cost",
            ["FN_KEEPALIVE_COLD_START_GIB_SECS"] = "120.5",
        }).Build();
        var (options, failures) = Settings.Agent.Read(configuration);

        Assert.Empty(failures);
        Assert.Equal(FnSharp.Agent.Runner.KeepAlive.KeepAlivePolicyKind.Cost, options.KeepAlivePolicy);
        Assert.Equal(120.5, options.KeepAliveColdStartGiBSeconds);
    }

    [Fact]
    public void Read_FreezeCpu_BoundIntoTheOptionsAndTheRentOrBuyCostByDefault()
    {
        var set = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["FN_FREEZE_CPU_MSECS"] = "0" }).Build();
        var unset = new ConfigurationBuilder().Build();

        Assert.Equal(
            (0d, 36d),
            (Settings.Agent.Read(set).Options.FreezeCpuMs, Settings.Agent.Read(unset).Options.FreezeCpuMs));
    }
}
