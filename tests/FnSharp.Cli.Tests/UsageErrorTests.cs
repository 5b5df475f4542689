using FnSharp.Testing;

namespace FnSharp.Cli.Tests;

/// <summary>
/// A command line the parser refuses: one short <c>Error:</c> message (with the word meant when a command
/// looks mistyped), the usage line when an argument is missing or extra, a pointer to the command's
/// <c>--help</c>, exit code 2, and nothing on stdout (not the whole help).
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class UsageErrorTests
{
    [Theory]
    [InlineData(new[] { "frobnicate" }, "Error: 'frobnicate' is not a fnsharp command\nSee 'fnsharp --help'.")]
    [InlineData(new[] { "lsit", "apps" }, "Error: 'lsit' is not a fnsharp command. Did you mean 'list'?\nSee 'fnsharp --help'.")]
    [InlineData(new[] { "list", "myapp" }, "Error: 'myapp' is not a command of fnsharp list: use apps, fns, triggers, config or calls\nSee 'fnsharp list --help'.")]
    [InlineData(new[] { "list", "functoins", "myapp" }, "Error: 'functoins' is not a command of fnsharp list: use apps, fns, triggers, config or calls. Did you mean 'functions'?\nSee 'fnsharp list --help'.")]
    [InlineData(new[] { "list" }, "Error: fnsharp list needs a command: apps, fns, triggers, config or calls\nSee 'fnsharp list --help'.")]
    [InlineData(new[] { "invoke", "myapp" }, "Error: missing <fn> (the fn's name)\nUsage: fnsharp invoke <app> <fn> [options]\nSee 'fnsharp invoke --help'.")]
    [InlineData(new[] { "invoke" }, "Error: missing <app> (the app's name), <fn> (the fn's name)\nUsage: fnsharp invoke <app> <fn> [options]\nSee 'fnsharp invoke --help'.")]
    [InlineData(new[] { "deploy" }, "Error: --app is required (the app to deploy to)\nSee 'fnsharp deploy --help'.")]
    [InlineData(new[] { "init", "hello" }, "Error: --runtime is required (the function's language: csharp (the C# FDK, NativeAOT) or node (Fn's Node FDK))\nSee 'fnsharp init --help'.")]
    [InlineData(new[] { "inspect", "fn", "myapp", "hello", "image", "extra" }, "Error: unexpected argument 'extra'\nUsage: fnsharp inspect fn <app> <name> [<field>] [options]\nSee 'fnsharp inspect fn --help'.")]
    [InlineData(new[] { "list", "apps", "--colour" }, "Error: fnsharp list apps has no option '--colour'\nSee 'fnsharp list apps --help'.")]
    [InlineData(new[] { "ls", "functions" }, "Error: missing <app> (the app's name)\nUsage: fnsharp ls functions <app> [options]\nSee 'fnsharp ls functions --help'.")]
    [InlineData(new[] { "completion", "fish" }, "Error: Argument 'fish' not recognized. Must be one of: 'bash' 'zsh'\nSee 'fnsharp completion --help'.")]
    public async Task Parse_Refused_OneMessageAPointerToHelpAndExit2(string[] args, string expected)
    {
        var (code, output, error) = await CliRun.RunAsync(args);

        Assert.Equal((2, "", expected + "\n"), (code, output, error));
    }

    [Fact]
    public async Task NoCommand_TheHelpAndExit0()
    {
        var (code, output, error) = await CliRun.RunAsync([]);

        Assert.Equal((0, ""), (code, error));
        Assert.Matches(@"\nUsage:\n  \S+ \[command\] \[options\]\n", output);
    }

    [Fact]
    public async Task Help_Root_DocumentsTheOutputRuleAndExitCodes()
    {
        var (code, output, _) = await CliRun.RunAsync(["--help"]);

        Assert.Equal(0, code);
        Assert.Contains("--output json prints one JSON document on stdout (a list is\n  {\"items\": [...]}, one resource its object)", output, StringComparison.Ordinal);
        Assert.Contains("Exit codes: 0 done; 1 the server, the Docker engine or the function said no (or could not\n  be reached); 2 the command line is wrong.", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("invoke", "Also print the status and the call id (to stderr).")]
    [InlineData("deploy", "Also print the output of each build step (dotnet publish, npm, the image build) to stderr as it comes.")]
    [InlineData("build", "Also print the output of each build step (dotnet publish, npm, the image build) to stderr as it comes.")]
    public async Task Help_Verbose_DescribedForWhatTheCommandPrints(string command, string description)
    {
        var (_, output, _) = await CliRun.RunAsync([command, "--help"]);

        Assert.Contains(description, output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("init")]
    [InlineData("list", "apps")]
    [InlineData("version")]
    public async Task Help_CommandThatPrintsNothingMore_NoVerboseOption(params string[] command)
    {
        var (_, output, _) = await CliRun.RunAsync([.. command, "--help"]);

        Assert.DoesNotContain("--verbose", output, StringComparison.Ordinal);
    }
}
