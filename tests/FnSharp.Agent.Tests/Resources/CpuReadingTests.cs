using System.Text;
using FnSharp.Agent.Resources;
using FnSharp.Testing;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Agent.Tests.Resources;

/// <summary>The CPU readings the launch policy uses: a container's cgroup counters and the node's <c>/proc/stat</c>.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class CpuReadingTests
{
    [Fact]
    public void ParseCpuStatUsage_V2File_UsageInMicroseconds() =>
        Assert.Equal(TimeSpan.FromMicroseconds(173010), CgroupReader.ParseCpuStatUsage("usage_usec 173010\nuser_usec 120000\nsystem_usec 53010\n"u8));

    [Fact]
    public void ParseCpuStatUsage_UsageOnALaterLine_Found() =>
        Assert.Equal(TimeSpan.FromMicroseconds(42), CgroupReader.ParseCpuStatUsage("user_usec 40\nusage_usec 42"u8));

    [Theory]
    [InlineData("")]
    [InlineData("user_usec 5\n")]
    [InlineData("usage_usec lots\n")]
    [InlineData("usage_usec -5\n")]
    [InlineData("usage_usec 5 6\n")]
    [InlineData("usage_usec_total 5\n")]
    public void ParseCpuStatUsage_EmptyOrMalformed_Null(string content) => Assert.Null(CgroupReader.ParseCpuStatUsage(Encoding.UTF8.GetBytes(content)));

    [Fact]
    public void ParseCpuacctUsage_V1File_UsageFromNanoseconds() =>
        Assert.Equal(TimeSpan.FromMilliseconds(1500), CgroupReader.ParseCpuacctUsage("1500000000\n"u8));

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("+15\n")]
    [InlineData("-15\n")]
    [InlineData("15 16\n")]
    public void ParseCpuacctUsage_EmptyOrMalformed_Null(string content) => Assert.Null(CgroupReader.ParseCpuacctUsage(Encoding.UTF8.GetBytes(content)));

    [Fact]
    public void ParseProcStatCpu_FirstLine_BusyWithoutIdleAndIowait() =>
        Assert.Equal((60L, 100L), CgroupReader.ParseProcStatCpu("cpu  30 0 20 35 5 5 5 0 0 0\ncpu0 1 2 3 4 5 6 7 8\n"));

    [Fact]
    public void ParseProcStatCpu_NotTheCpuLine_Null() => Assert.Null(CgroupReader.ParseProcStatCpu("intr 1 2 3\n"));

    [Fact]
    public void Busy_TwoSamplesHalfASecondApart_ShareOfTheIntervalBusy()
    {
        var clock = new FakeTimeProvider();
        var stat = "cpu  100 0 0 100 0 0 0 0\n";
        using var cpu = new NodeCpu(() => stat, clock);

        var first = cpu.Busy();
        stat = "cpu  190 0 0 110 0 0 0 0\n";
        var tooSoon = cpu.Busy();
        clock.Advance(NodeCpu.MinInterval);
        var second = cpu.Busy();

        Assert.Equal(((double?)null, (double?)null), (first, tooSoon));
        Assert.Equal(0.9, second!.Value, 6);
    }

    [Fact]
    public void Busy_SaturatedSecondAfterAQuietMinute_ReadsTheSecondNotTheMinute()
    {
        var clock = new FakeTimeProvider();
        long busy = 0, idle = 0;
        using var cpu = new NodeCpu(() => $"cpu  {busy} 0 0 {idle} 0 0 0 0\n", clock);
        cpu.Busy();

        // Nothing asks during the quiet minute: the meter samples on its own.
        for (var i = 0; i < 120; i++)
        {
            idle += 50;
            clock.Advance(NodeCpu.MinInterval);
        }

        for (var i = 0; i < 2; i++)
        {
            busy += 50;
            clock.Advance(NodeCpu.MinInterval);
        }

        Assert.Equal(1.0, cpu.Busy()!.Value, 6);
    }

    [Fact]
    public void Busy_NoProcStat_Null()
    {
        using var cpu = new NodeCpu(() => null, new FakeTimeProvider());

        Assert.Null(cpu.Busy());
    }
}
