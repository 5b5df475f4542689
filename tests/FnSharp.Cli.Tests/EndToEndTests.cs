using FnSharp.Testing;

namespace FnSharp.Cli.Tests;

/// <summary>
/// What a scaffold needs from the machine: its restore takes nothing from the network. (A function's whole
/// life through the installed CLI is <see cref="InstalledToolTests"/>.)
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class EndToEndTests : IAsyncLifetime
{
    private readonly FunctionFolder _fn = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _fn.DisposeAsync();

    [Fact]
    public async Task InitCsharp_Restore_NeedsNoNetwork()
    {
        await CliRun.RunAsync(["init", "--runtime", "csharp", _fn.Name, "--dir", _fn.Path]);

        // unshare -n: a new network namespace with no interface up, so nuget.org cannot be reached; the
        // FDK comes from the scaffold's packages/ and the SDK's NativeAOT packages from the machine's cache.
        var (code, output) = await HostCommand.RunAsync("unshare", ["-n", "dotnet", "restore", "--force", "-r", "linux-x64"], _fn.Path);

        Assert.True(code == 0, output);
        Assert.Contains("Restored ", output, StringComparison.Ordinal);
    }
}
