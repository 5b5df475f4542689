namespace FnSharp.Cli;

/// <summary>A failure the CLI reports as <c>Error: message</c> with exit code 1 (bad input, unknown names).</summary>
internal sealed class CliException(string message) : Exception(message);
