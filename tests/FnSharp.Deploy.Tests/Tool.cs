using System.Diagnostics;

namespace FnSharp.Deploy.Tests;

/// <summary>Runs a command-line tool of the machine (haproxy, docker-compose) and returns its exit code and output.</summary>
internal static class Tool
{
    public static Task<(int Code, string Output)> RunAsync(string file, params string[] args) => RunAsync(file, new Dictionary<string, string>(), args);

    /// <summary>Runs <paramref name="file"/> with <paramref name="environment"/> added to this process's.</summary>
    public static async Task<(int Code, string Output)> RunAsync(string file, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = DeployFiles.Root,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
