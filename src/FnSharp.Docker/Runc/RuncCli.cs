using System.Diagnostics;
using System.Text.Json;

namespace FnSharp.Docker.Runc;

/// <summary>
/// The driver's one way to <c>runc</c>: every command runs with this node's state directory as <c>--root</c>, so
/// that <c>runc list</c> shows this node's containers only.
/// </summary>
internal sealed class RuncCli
{
    private readonly string _runc;
    private readonly string _root;
    private readonly DockerApiMetrics _metrics;
    private readonly TimeProvider _time;

    public RuncCli(string runc, string root, DockerApiMetrics metrics, TimeProvider time)
    {
        _runc = runc;
        _root = root;
        _metrics = metrics;
        _time = time;
    }

    /// <summary>
    /// Starts <c>runc run --keep</c> of the bundle <paramref name="bundleDir"/> as a child process: its exit code is the
    /// container's (128 + the signal for a killed one), its stdout and stderr are the container's (and runc's own
    /// errors); stdin is closed. <c>--keep</c> leaves the stopped container and its cgroup until <c>runc delete</c>, so
    /// that an OOM kill is still readable after the exit. runc writes the container's pid into
    /// <paramref name="pidFile"/> once the container's process runs (after its namespaces, cgroup, mounts and exec).
    /// </summary>
    public Process Run(string containerId, string bundleDir, string pidFile)
    {
        var process = Process.Start(Start(["run", "--keep", "--pid-file", pidFile, "--bundle", bundleDir, containerId])) ?? throw new InvalidOperationException("runc did not start");
        process.StandardInput.Close();
        return process;
    }

    /// <summary>
    /// Runs one <c>runc</c> command to its end, timed on the driver's metrics by its name (<c>delete</c>, <c>kill</c>,
    /// ...; a failure is one that a caller does not take as done: a container that does not exist or is not paused is);
    /// returns its exit code, stdout and stderr.
    /// </summary>
    public async Task<(int ExitCode, string Output, string Error)> ExecAsync(string[] args, CancellationToken cancellationToken)
    {
        var began = _time.GetTimestamp();
        var result = await HostCommand.RunAsync(_runc, ["--root", _root, .. args], null, cancellationToken);
        var failed = result.ExitCode != 0 && !result.Error.Contains("does not exist", StringComparison.Ordinal) && !result.Error.Contains("not paused", StringComparison.Ordinal);
        _metrics.RecordRunc(args[0], _time.GetElapsedTime(began), failed);
        return result;
    }

    /// <summary>Records the set-up of <c>runc run</c>: from its spawn until the container's process ran.</summary>
    public void RecordRun(TimeSpan setUp) => _metrics.RecordRunc("run", setUp, failed: false);

    /// <summary>The ids of the containers in this node's state directory (<c>runc list</c>).</summary>
    /// <exception cref="IOException">runc failed.</exception>
    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken)
    {
        var (code, output, error) = await ExecAsync(["list", "--format", "json"], cancellationToken);
        if (code != 0)
        {
            throw new IOException($"runc list failed: {error}");
        }

        using var document = JsonDocument.Parse(output.Trim() is { Length: > 0 } json ? json : "null");
        return document.RootElement.ValueKind == JsonValueKind.Array
            ? [.. document.RootElement.EnumerateArray().Select(c => c.GetProperty("id").GetString()!)]
            : [];
    }

    /// <summary><c>runc delete --force</c>: kills the container if it runs and removes it with its cgroup; a container that does not exist is done.</summary>
    /// <returns>runc's error, or <see langword="null"/> when it is gone.</returns>
    public async Task<string?> DeleteAsync(string containerId, CancellationToken cancellationToken)
    {
        var (code, _, error) = await ExecAsync(["delete", "--force", containerId], cancellationToken);
        return code == 0 || error.Contains("does not exist", StringComparison.Ordinal) ? null : error;
    }

    private ProcessStartInfo Start(string[] args)
    {
        var start = new ProcessStartInfo(_runc)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--root");
        start.ArgumentList.Add(_root);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }
}
