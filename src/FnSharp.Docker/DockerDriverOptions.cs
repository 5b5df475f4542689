namespace FnSharp.Docker;

/// <summary>Settings of the Docker driver, bound from configuration section <c>Docker</c> and <c>FN_*</c> variables.</summary>
public sealed record DockerDriverOptions
{
    /// <summary>The Engine API endpoint, for example <c>unix:///var/run/docker.sock</c>.</summary>
    public string Endpoint { get; init; } = "unix:///var/run/docker.sock";

    /// <summary>
    /// The host directory under which each container gets its own socket directory, bind-mounted at
    /// <c>/tmp/iofs</c>. Kept short: a unix socket path may not exceed 107 bytes.
    /// </summary>
    public string IofsRoot { get; init; } = Path.Combine(Path.GetTempPath(), "fnsharp-iofs");

    /// <summary>How long a started container may take to create <c>lsnr.sock</c>, in milliseconds (Fn's <c>FN_HOT_START_TIMEOUT_MSECS</c>, default 5000).</summary>
    public int HotStartTimeoutMs { get; init; } = 5000;

    /// <summary>This node's name, kept in the <c>io.fnsharp.node</c> label so that start-up removes only this node's leftovers.</summary>
    public string Node { get; init; } = "local";
}
