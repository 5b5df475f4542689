using System.Diagnostics;

namespace FnSharp.Bench;

/// <summary>Runs a command and captures its output.</summary>
internal static class Shell
{
    /// <summary>
    /// Runs <paramref name="file"/> with <paramref name="args"/>, and <paramref name="environment"/> added to this process's
    /// environment for it alone; returns the exit code and stdout (stderr appended when it fails).
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> args, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var output = await stdout;
        return process.ExitCode == 0 ? (0, output) : (process.ExitCode, output + await stderr);
    }

    /// <summary>Counts the containers (running or not) carrying label <paramref name="label"/>.</summary>
    public static async Task<int> CountContainersAsync(string label, CancellationToken cancellationToken)
    {
        var (code, output) = await RunAsync("docker", ["ps", "-aq", "--filter", "label=" + label], cancellationToken);
        return code == 0 ? output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length : -1;
    }
}
