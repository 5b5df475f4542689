using FnSharp.Cli.Functions;
using FnSharp.Testing;

namespace FnSharp.Cli.Tests.Functions;

/// <summary>The version bump of deploy: the patch number plus one, and only the version's characters rewritten.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class FuncFileVersionTests
{
    [Theory]
    [InlineData("0.0.1", "0.0.2")]
    [InlineData("1.9.9", "1.9.10")]
    [InlineData("2.0.99", "2.0.100")]
    public void Bump_SemanticVersion_PatchPlusOne(string version, string expected) =>
        Assert.Equal(expected, FuncFileVersion.Bump(Parse($"version: {version}\n")));

    [Theory]
    [InlineData("latest")]
    [InlineData("1.0")]
    [InlineData("01.0.0")]
    [InlineData("1.0.0-beta")]
    public void Bump_NotSemantic_ErrorSuggestsNoBump(string version)
    {
        var e = Assert.Throws<CliException>(() => FuncFileVersion.Bump(Parse($"version: {version}\n")));

        Assert.Equal($"/f/func.yaml: version '{version}' cannot be bumped: it is not MAJOR.MINOR.PATCH (for example 0.0.1); fix it or deploy with --no-bump", e.Message);
    }

    [Fact]
    public void Rewrite_PlainVersion_OnlyVersionChanges()
    {
        const string Text = "# my function\nschema_version: 20180708\nname: f   # the name\nversion: 0.0.1   # bumped by deploy\nruntime: docker\nconfig:\n  version: keep\n";

        var rewritten = FuncFileVersion.Rewrite(Parse(Text, header: false), "0.0.2");

        Assert.Equal(Text.Replace("version: 0.0.1 ", "version: 0.0.2 ", StringComparison.Ordinal), rewritten);
    }

    [Theory]
    [InlineData("version: \"0.0.1\"\n", "version: \"0.0.2\"\n")]
    [InlineData("version: '0.0.1'\n", "version: '0.0.2'\n")]
    [InlineData("version:    0.0.1\r\n", "version:    0.0.2\r\n")]
    public void Rewrite_QuotedOrSpaced_StyleKept(string line, string expected)
    {
        var file = Parse(line);

        Assert.EndsWith(expected, FuncFileVersion.Rewrite(file, "0.0.2"), StringComparison.Ordinal);
        Assert.Equal("0.0.2", FuncFileReader.Parse(file.Path, FuncFileVersion.Rewrite(file, "0.0.2")).Version);
    }

    private static FuncFile Parse(string text, bool header = true) =>
        FuncFileReader.Parse("/f/func.yaml", (header ? "schema_version: 20180708\nname: f\nruntime: docker\n" : "") + text);
}
