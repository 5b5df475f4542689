namespace FnSharp.Cli;

/// <summary>
/// The exit codes of <c>fnsharp</c>, one meaning each (docs/cli.md, "Exit codes"; <c>fnsharp --help</c>).
/// </summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Ok = 0;

    /// <summary>
    /// The command was well formed but could not be done: the server, the Docker engine or the function
    /// said no (a name not found, a refused change, a failed call or build), a file was wrong, or the
    /// server could not be reached.
    /// </summary>
    public const int Failed = 1;

    /// <summary>The command line was wrong: an unknown command, a missing or extra argument, a bad option value.</summary>
    public const int Usage = 2;
}
