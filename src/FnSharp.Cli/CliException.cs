namespace FnSharp.Cli;

/// <summary>
/// A failure the CLI reports as <c>Error: message</c> on stderr, followed by the commands of
/// <see cref="Next"/> (each on its own line, what to run next), and exits with <see cref="ExitCode"/>:
/// <see cref="ExitCodes.Failed"/> unless made by <see cref="Usage"/>.
/// </summary>
internal sealed class CliException : Exception
{
    public CliException(string message)
        : base(message)
    {
    }

    public CliException(string message, params string[] next)
        : base(message)
    {
        Next = next;
    }

    /// <summary>Lines that say what to run next, such as <c>See the apps: fnsharp list apps</c>.</summary>
    public IReadOnlyList<string> Next { get; init; } = [];

    /// <summary><see cref="ExitCodes.Failed"/>, or <see cref="ExitCodes.Usage"/> for a mistake in the command line.</summary>
    public int ExitCode { get; init; } = ExitCodes.Failed;

    /// <summary>A mistake in the command line that the parser cannot see (a bad <c>KEY=VALUE</c>, an unknown field): exit code 2.</summary>
    public static CliException Usage(string message) => new(message) { ExitCode = ExitCodes.Usage };
}
