namespace FnSharp.Agent.Drivers;

/// <summary>The output a container's log line came from.</summary>
public enum ContainerOutput
{
    /// <summary>Standard output.</summary>
    Stdout,

    /// <summary>Standard error.</summary>
    Stderr,
}
