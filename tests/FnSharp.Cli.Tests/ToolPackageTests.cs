using FnSharp.Testing;

namespace FnSharp.Cli.Tests;

/// <summary>
/// The CLI ships as the .NET tool <c>fnsharp</c>: <c>dotnet pack</c>, then <c>dotnet tool install</c> from
/// that folder with no network (<c>unshare -n</c>), and the installed command runs, FDK package included.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class ToolPackageTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("fnsharp-tool-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task PackAndInstallOffline_FnsharpRunsAndScaffolds()
    {
        var packages = Path.Combine(_root, "packages");
        var tools = Path.Combine(_root, "tools");
        var project = Path.Combine(Functions.FuncFileReaderTests.RepositoryRoot(), "src", "FnSharp.Cli");

        var pack = await HostCommand.RunAsync("dotnet", ["pack", project, "-c", "Release", "-o", packages, "-v", "quiet"], _root);
        var install = await HostCommand.RunAsync("unshare", ["-n", "dotnet", "tool", "install", "--tool-path", tools, "--add-source", packages, "fnsharp", "--version", InitCommandVersion()], _root);
        var help = await HostCommand.RunAsync(Path.Combine(tools, "fnsharp"), ["--help"], _root);
        var init = await HostCommand.RunAsync(Path.Combine(tools, "fnsharp"), ["init", "--runtime", "csharp", "packed"], _root);

        Assert.True(pack.Code == 0, pack.Output);
        Assert.True(install.Code == 0, install.Output);
        Assert.Contains("Tool 'fnsharp' (version '" + InitCommandVersion() + "') was successfully installed.", install.Output, StringComparison.Ordinal);
        Assert.Equal(0, help.Code);
        Assert.Contains("fnsharp deploy --app myapp --create-app", help.Output, StringComparison.Ordinal);
        Assert.True(init.Code == 0, init.Output);
        Assert.True(File.Exists(Path.Combine(_root, "packed", "packages", $"FnSharp.Fdk.{InitCommandVersion()}.nupkg")));
    }

    private static string InitCommandVersion() => Commands.InitCommand.FdkVersion;
}
