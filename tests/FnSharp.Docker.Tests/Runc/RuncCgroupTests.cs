using FnSharp.Docker.Runc;
using FnSharp.Testing;

namespace FnSharp.Docker.Tests.Runc;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class RuncCgroupTests
{
    [Theory]
    [InlineData("oom_kill_disable 0\nunder_oom 0\noom_kill 2\n", 2)]
    [InlineData("low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\noom_group_kill 0\n", 1)]
    [InlineData("oom_kill_disable 0\nunder_oom 0\n", 0)]
    [InlineData(null, 0)]
    public void ParseOomKills_V1AndV2Files_TheCount(string? content, long kills)
    {
        Assert.Equal(kills, RuncCgroup.ParseOomKills(content));
    }
}
