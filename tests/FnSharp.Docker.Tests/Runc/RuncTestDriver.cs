using FnSharp.Docker.Runc;
using FnSharp.Testing.Docker;
using Microsoft.Extensions.Logging.Abstractions;

namespace FnSharp.Docker.Tests.Runc;

/// <summary>A runc driver for a node of its own, on a state directory of its own (removed with it) or a shared one.</summary>
internal sealed class RuncTestDriver : IAsyncDisposable
{
    private static readonly string Runc = new RuncDriverOptions().ResolveRuncPath() ?? "runc";

    private readonly bool _ownsStateDir;

    public RuncTestDriver(Func<DockerDriverOptions, DockerDriverOptions>? configure = null, string? node = null, string? stateDir = null, System.Diagnostics.Metrics.IMeterFactory? meterFactory = null)
    {
        Node = node ?? TestFnContainers.NewNode();
        _ownsStateDir = stateDir is null;
        StateDir = stateDir ?? RuncProbe.NewStateDir();
        var options = new DockerDriverOptions { Node = Node, HotStartTimeoutMs = 20_000 };
        Driver = new RuncDriver(new RuncDriverOptions { Driver = ContainerDriverKind.Runc, StateDir = StateDir }, configure is null ? options : configure(options), TimeProvider.System, NullLogger<RuncDriver>.Instance, meterFactory);
    }

    public string Node { get; }

    public string StateDir { get; }

    public RuncDriver Driver { get; }

    /// <summary>runc's state directory of this node (its <c>--root</c>).</summary>
    public string RuncRoot => Path.Combine(StateDir, "nodes", Node, "state");

    /// <summary>The pid, on the host, of the container's init process and its status (<c>running</c>, <c>paused</c>, ...), from <c>runc state</c>.</summary>
    public (int Pid, string Status) State(string containerId)
    {
        using var state = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(Runc, ["--root", RuncRoot, "state", containerId]) { RedirectStandardOutput = true })!;
        using var json = System.Text.Json.JsonDocument.Parse(state.StandardOutput.ReadToEnd());
        state.WaitForExit();
        return (json.RootElement.GetProperty("pid").GetInt32(), json.RootElement.GetProperty("status").GetString()!);
    }

    /// <summary>The ids of this node's runc containers (<c>runc list</c>).</summary>
    public string ListIds()
    {
        using var list = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(Runc, ["--root", RuncRoot, "list", "--quiet"]) { RedirectStandardOutput = true })!;
        var ids = list.StandardOutput.ReadToEnd().Trim();
        list.WaitForExit();
        return ids;
    }

    /// <summary>
    /// Runs <paramref name="args"/> in the running container with <c>runc exec</c>: as its process runs (its user,
    /// capabilities, no-new-privileges, seccomp profile and namespaces, from its bundle); returns the exit code and output.
    /// </summary>
    public async Task<(int ExitCode, string Output, string Error)> ExecAsync(string containerId, params string[] args)
    {
        using var exec = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(Runc, ["--root", RuncRoot, "exec", containerId, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = exec.StandardOutput.ReadToEndAsync();
        var error = exec.StandardError.ReadToEndAsync();
        await exec.WaitForExitAsync();
        return (exec.ExitCode, (await output).Trim(), (await error).Trim());
    }

    public async ValueTask DisposeAsync()
    {
        await Driver.DisposeAsync();
        if (_ownsStateDir)
        {
            DockerDriver.DeleteDirectory(StateDir);
        }
    }
}
