using System.ComponentModel;
using System.Diagnostics;

namespace FnSharp.Cli.Images;

/// <summary>Runs a program of the host (<c>dotnet</c>, <c>npm</c>) for a build, its output lines written as they come.</summary>
internal static class HostProcess
{
    /// <summary>
    /// Runs <paramref name="program"/> with <paramref name="arguments"/> in <paramref name="directory"/>,
    /// copying its stdout and stderr lines to <paramref name="progress"/>.
    /// </summary>
    /// <exception cref="CliException">The program is not installed, or it exited with a non-zero code.</exception>
    public static async Task RunAsync(string program, IReadOnlyList<string> arguments, string directory, string installHint, TextWriter progress, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // A dotnet started from inside another dotnet command (a test run, dotnet run) must not inherit
        // that command's MSBuild paths, or it builds with the wrong SDK parts.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new CliException($"cannot run {program}: {e.Message}; {installHint}");
        }

        process.StandardInput.Close();
        var gate = new object();
        async Task CopyAsync(StreamReader reader)
        {
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                lock (gate)
                {
                    progress.WriteLine(line);
                }
            }
        }

        try
        {
            await Task.WhenAll(CopyAsync(process.StandardOutput), CopyAsync(process.StandardError));
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture, $"{program} {string.Join(' ', arguments)} failed with exit code {process.ExitCode} (its last lines are above; --verbose prints all of its output)"));
        }
    }
}
