namespace FnSharp.Docker;

/// <summary>The labels FnSharp puts on its containers, so that they can be found again.</summary>
public static class DockerLabels
{
    /// <summary>Present with value <c>true</c> on every container FnSharp creates.</summary>
    public const string Managed = "io.fnsharp.managed";

    /// <summary>The node that created the container.</summary>
    public const string Node = "io.fnsharp.node";

    /// <summary>The id of the container's app.</summary>
    public const string AppId = "io.fnsharp.app_id";

    /// <summary>The id of the container's fn.</summary>
    public const string FnId = "io.fnsharp.fn_id";
}
