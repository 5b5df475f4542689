using FnSharp.Agent.Runner;
using FnSharp.Testing;

namespace FnSharp.Agent.Tests.Runner;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class AgentOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(new AgentOptionsValidator().Validate(null, new AgentOptions()).Succeeded);
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
    public void Validate_BadValue_MessageNamesSettingAndValue(string setting, string value)
    {
        var options = setting switch
        {
            "FN_MAX_WAIT_MSECS" => new AgentOptions { MaxWaitMs = -1 },
            "FN_MAX_CONTAINER_OPS" => new AgentOptions { MaxContainerOps = 0 },
            "FN_ASYNC_MEMORY_SHARE" => new AgentOptions { AsyncMemoryShare = 1.5 },
            "FN_MAX_QUEUED_PER_FN" => new AgentOptions { MaxQueuedPerFn = -3 },
            "FN_MAX_QUEUED_TOTAL" => new AgentOptions { MaxQueuedTotal = -4 },
            "FN_MAX_TOTAL_MEMORY_BYTES" => new AgentOptions { MaxTotalMemoryBytes = -5 },
            "FN_MAX_TOTAL_CPU_MCPUS" => new AgentOptions { MaxTotalCpuMilliCpus = -6 },
            "FN_MEMORY_HEADROOM_MIB" => new AgentOptions { MemoryHeadroomMiB = -7 },
            "FN_SHUTDOWN_GRACE_MSECS" => new AgentOptions { ShutdownGraceMs = -8 },
            _ => new AgentOptions { RetryAfterSeconds = 0 },
        };

        var result = new AgentOptionsValidator().Validate(null, options);

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith(setting, failure, StringComparison.Ordinal);
        Assert.Contains(value, failure, StringComparison.Ordinal);
    }
}
