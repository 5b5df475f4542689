using FnSharp.Server.Configuration;
using FnSharp.Server.Hosting;
using FnSharp.Testing;

namespace FnSharp.Server.Tests.Hosting;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class ServerUsageTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("-?")]
    [InlineData("help")]
    public void Answer_Help_UsageAndEverySettingAndExitZero(string arg)
    {
        var output = new StringWriter();

        var exit = ServerUsage.Answer([arg], output);

        Assert.Equal(0, exit);
        var text = output.ToString();
        Assert.Contains("Usage:", text, StringComparison.Ordinal);
        Assert.Contains("fnsharp-server keys", text, StringComparison.Ordinal);
        var named = text.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        Assert.DoesNotContain(Settings.Keys, k => !named.Contains(k));
        Assert.All(text.Split('\n'), line => Assert.True(line.Length <= 110, line));
    }

    [Fact]
    public void Answer_Version_TheVersionTheApiAnswers()
    {
        var output = new StringWriter();

        var exit = ServerUsage.Answer(["--version"], output);

        Assert.Equal((0, FnSharp.Server.Apis.VersionApi.Text + Environment.NewLine), (exit, output.ToString()));
    }

    [Theory]
    [InlineData]
    [InlineData("keys", "list")]
    [InlineData("--FN_PORT=9090")]
    [InlineData("--help", "extra")]
    public void Answer_AnythingElse_LeftToTheServer(params string[] args)
    {
        var output = new StringWriter();

        Assert.Null(ServerUsage.Answer(args, output));
        Assert.Empty(output.ToString());
    }
}
