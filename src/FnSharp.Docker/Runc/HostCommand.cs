using System.Diagnostics;

namespace FnSharp.Docker.Runc;

/// <summary>Runs a host program (<c>runc</c>, <c>ip</c>, <c>iptables</c>) to its end, with its standard input given or closed.</summary>
internal static class HostCommand
{
    /// <summary>Runs <paramref name="file"/> with <paramref name="args"/>; returns its exit code, stdout and stderr (trimmed).</summary>
    /// <param name="file">The program: a path, or a name looked up in <c>PATH</c>.</param>
    /// <param name="args">Its arguments, passed as they are (no shell).</param>
    /// <param name="input">Written to its standard input, which is then closed; <see langword="null"/> closes it at once.</param>
    /// <param name="cancellationToken">Stops waiting (the program goes on).</param>
    /// <exception cref="System.ComponentModel.Win32Exception">The program is not found or cannot run.</exception>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string file, IEnumerable<string> args, string? input, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input.AsMemory(), cancellationToken);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output, (await error).Trim());
    }
}
