using FnSharp.Agent.Resources;
using FnSharp.Testing;

namespace FnSharp.Agent.Tests.Resources;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class CgroupReaderTests
{
    [Theory]
    [InlineData("2147483648\n", 2147483648L)]
    [InlineData("max\n", null)]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("lots", null)]
    [InlineData("-1", null)]
    [InlineData("0", null)]
    public void ParseMemoryMax_V2File_LimitInBytesOrNone(string? content, long? expected)
    {
        Assert.Equal(expected, CgroupReader.ParseMemoryMax(content));
    }

    [Theory]
    [InlineData("1073741824\n", 1073741824L)]
    [InlineData("9223372036854771712\n", null)]
    [InlineData(null, null)]
    [InlineData("12ab", null)]
    [InlineData("\n", null)]
    public void ParseMemoryLimitInBytes_V1File_LimitInBytesOrNone(string? content, long? expected)
    {
        Assert.Equal(expected, CgroupReader.ParseMemoryLimitInBytes(content));
    }

    [Fact]
    public void ParseMemAvailable_Meminfo_BytesOfAvailableLine()
    {
        const string meminfo = "MemTotal:       24589448 kB\nMemFree:        20000000 kB\nMemAvailable:   23456789 kB\nBuffers:          123456 kB\n";

        Assert.Equal(23456789L * 1024, CgroupReader.ParseMemAvailable(meminfo));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("MemTotal:       24589448 kB\n")]
    [InlineData("MemAvailable:   many kB\n")]
    [InlineData("MemAvailable:   12 MB\n")]
    public void ParseMemAvailable_MissingOrMalformed_None(string? meminfo)
    {
        Assert.Null(CgroupReader.ParseMemAvailable(meminfo));
    }

    [Theory]
    [InlineData("200000 100000\n", 2000L)]
    [InlineData("50000 100000", 500L)]
    [InlineData("max 100000\n", null)]
    [InlineData(null, null)]
    [InlineData("x y", null)]
    [InlineData("1 2 3", null)]
    public void ParseCpuMax_V2File_MilliCpusOrNone(string? content, long? expected)
    {
        Assert.Equal(expected, CgroupReader.ParseCpuMax(content));
    }

    [Theory]
    [InlineData("150000\n", "100000\n", 1500L)]
    [InlineData("-1\n", "100000\n", null)]
    [InlineData(null, "100000", null)]
    [InlineData("150000", null, null)]
    [InlineData("abc", "100000", null)]
    [InlineData("150000", "0", null)]
    public void ParseCfsQuota_V1Files_MilliCpusOrNone(string? quota, string? period, long? expected)
    {
        Assert.Equal(expected, CgroupReader.ParseCfsQuota(quota, period));
    }
}
