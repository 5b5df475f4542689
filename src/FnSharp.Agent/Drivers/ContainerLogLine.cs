namespace FnSharp.Agent.Drivers;

/// <summary>One line a container wrote, without its line break.</summary>
/// <param name="Stream">Where it was written.</param>
/// <param name="Text">The line, cut at the driver's line length limit.</param>
public sealed record ContainerLogLine(ContainerOutput Stream, string Text);
