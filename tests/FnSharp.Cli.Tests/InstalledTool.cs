using System.Diagnostics;
using FnSharp.Testing;
using FnSharp.Testing.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FnSharp.Cli.Tests;

/// <summary>
/// The CLI as a user has it: installed by the README's command (<c>scripts/install-cli.sh</c>, here with
/// <c>--tool-path</c>, with no network: <c>unshare -n</c>), and a real server on loopback that runs calls on
/// the real Docker engine, named to the tool by <c>FN_API_URL</c> as a user would export it.
/// </summary>
public sealed class InstalledTool : IAsyncLifetime
{
    private readonly string _root = TestDirectories.Create("fnsharp-installed-");
    private readonly FnSharpServerFactory _server = new() { TestServices = ObservedCallStore.Register };

    /// <summary>Where the tool is installed; <c>fnsharp</c> is there.</summary>
    public string ToolPath => Path.Combine(_root, "tools");

    /// <summary>The server's URL.</summary>
    public string Url { get; private set; } = "";

    /// <summary>What the install command printed.</summary>
    public string InstallOutput { get; private set; } = "";

    /// <summary>The server's call store, to wait until a call's record is stored.</summary>
    internal ObservedCallStore Calls => (ObservedCallStore)_server.Services.GetRequiredService<FnSharp.Core.Storage.ICallStore>();

    public async Task InitializeAsync()
    {
        var (code, output) = await HostCommand.RunAsync("unshare", ["-n", "bash", "scripts/install-cli.sh", "--tool-path", ToolPath], Functions.FuncFileReaderTests.RepositoryRoot());
        InstallOutput = output;
        if (code != 0)
        {
            throw new InvalidOperationException($"scripts/install-cli.sh failed ({code}): {output}");
        }

        Url = _server.StartOnLoopback().ToString().TrimEnd('/');
    }

    public async Task DisposeAsync()
    {
        // The server removes its containers as it stops.
        await _server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>Runs <c>fnsharp ARGS</c> in <paramref name="directory"/> (the tool's folder when null) with stdout and stderr apart.</summary>
    public Task<(int Code, string Output, string Error)> RunAsync(string? directory, params string[] args) =>
        RunProcessAsync(Path.Combine(ToolPath, "fnsharp"), args, directory);

    /// <summary>Runs <c>bash -c SCRIPT</c> with the tool on PATH, as a user's shell would.</summary>
    public Task<(int Code, string Output, string Error)> ShellAsync(string script, string? directory = null, string? term = null) =>
        RunProcessAsync("bash", ["-c", script], directory, term);

    private async Task<(int Code, string Output, string Error)> RunProcessAsync(string program, IEnumerable<string> arguments, string? directory, string? term = null)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = directory ?? ToolPath,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };

        // The test host runs under dotnet test: a dotnet started from here must not take its MSBuild paths.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["PATH"] = ToolPath + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment["FN_API_URL"] = Url;
        start.Environment.Remove("FN_REGISTRY");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        if (term is null)
        {
            start.Environment.Remove("TERM");
        }
        else
        {
            start.Environment["TERM"] = term;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, (await output).ReplaceLineEndings("\n"), (await error).ReplaceLineEndings("\n"));
    }
}
