namespace FnSharp.Cli;

/// <summary>
/// What the CLI reads and writes: stdout (results), stderr (errors, hints and progress), stdin (an
/// invoke's body), the environment and the clock. <see cref="Program"/> gives the process's own;
/// tests give theirs.
/// </summary>
internal sealed record CliIo
{
    /// <summary>Results: tables, JSON, a function's answer.</summary>
    public required TextWriter Output { get; init; }

    /// <summary>Errors, hints, warnings and progress.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>The body of <c>invoke</c> when <see cref="InputRedirected"/> and no <c>--body</c> is given.</summary>
    public TextReader Input { get; init; } = TextReader.Null;

    /// <summary>Whether stdin is a pipe or a file (not a terminal), so that <c>invoke</c> reads its body from it.</summary>
    public bool InputRedirected { get; init; }

    /// <summary>
    /// Whether stdout and stderr are both a terminal: progress is then a line that updates in place;
    /// otherwise it is plain lines.
    /// </summary>
    public bool Terminal { get; init; }

    /// <summary>Reads an environment variable (<c>FN_API_URL</c>, <c>DOCKER_HOST</c>, <c>FN_REGISTRY</c>).</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>The user's config file (<see cref="CliConfigFile"/>): <c>~/.fnsharp/config.json</c>, or a test's own.</summary>
    public string ConfigFile { get; init; } = CliContext.DefaultConfigFilePath;

    /// <summary>The clock of progress lines and waits.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
