namespace FnSharp.Agent.Drivers;

/// <summary>What a driver needs to create a container for a fn.</summary>
public sealed record ContainerSpec
{
    /// <summary>The image to run, for example <c>fnsharp/hello-csharp:latest</c>.</summary>
    public required string Image { get; init; }

    /// <summary>The app the fn belongs to (kept in a label).</summary>
    public required string AppId { get; init; }

    /// <summary>The fn the container serves (kept in a label).</summary>
    public required string FnId { get; init; }

    /// <summary>The container's memory limit, in MiB; swap is not allowed beyond it.</summary>
    public required int MemoryMiB { get; init; }

    /// <summary>
    /// Whether the image is pulled again before this start even when the node has it (the fn's
    /// <c>fnsharp.io/pull-policy</c> is <c>always</c>); drivers may reuse a pull that finished moments ago.
    /// </summary>
    public bool PullAlways { get; init; }

    /// <summary>The full environment of the container: config merged with the <c>FN_*</c> variables.</summary>
    public required IReadOnlyDictionary<string, string> Environment { get; init; }
}
