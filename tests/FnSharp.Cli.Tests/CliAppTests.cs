using FnSharp.Testing;

namespace FnSharp.Cli.Tests;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class CliAppTests
{
    [Fact]
    public async Task RunAsync_Help_ListsCommandsWithExample()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await CliApp.RunAsync(["--help"], output, error);

        Assert.Equal(0, code);
        Assert.Contains("version", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Example:", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_VersionServerDown_ClearErrorNonZeroExit()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        // Port 9 (discard) on loopback has no listener here: the connection is refused at once.
        var code = await CliApp.RunAsync(["version", "--api-url", "http://127.0.0.1:9"], output, error);

        Assert.Equal(1, code);
        Assert.Contains("Client version: 0.1.0", output.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("Error: cannot reach the FnSharp server at http://127.0.0.1:9", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_UnknownCommand_NonZeroExit()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await CliApp.RunAsync(["frobnicate"], output, error);

        Assert.NotEqual(0, code);
        Assert.Contains("frobnicate", error.ToString(), StringComparison.Ordinal);
    }
}
