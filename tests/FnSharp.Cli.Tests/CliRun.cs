using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Cli.Tests;

/// <summary>Runs the CLI in-process, with its output and error captured and an environment of the test's own.</summary>
internal static class CliRun
{
    /// <summary>
    /// Runs <paramref name="args"/>; environment variables come from <paramref name="environment"/>, then
    /// from the process (FN_REGISTRY, FN_API_URL and FN_TOKEN excepted, so that the machine's settings cannot change a
    /// test); <paramref name="with"/> changes the rest of the <see cref="CliIo"/> (stdin, the clock).
    /// </summary>
    public static async Task<(int Code, string Output, string Error)> RunAsync(string[] args, IReadOnlyDictionary<string, string?>? environment = null, Func<CliIo, CliIo>? with = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, Io(output, error, environment, with));
        return (code, output.ToString().ReplaceLineEndings("\n"), error.ToString().ReplaceLineEndings("\n"));
    }

    /// <summary>A config file no test run finds, so that the machine's <c>~/.fnsharp/config.json</c> cannot change a test.</summary>
    public const string NoConfigFile = "/nonexistent/fnsharp-test/config.json";

    /// <summary>
    /// The streams and environment of a test run: not a terminal, no stdin, no config file, and a clock that moves only
    /// when the test moves it (progress lines such as invoke's "Waiting for the answer" come from it: on the real clock a
    /// call slowed by a loaded machine past a second would print one and change what a test reads on stderr).
    /// </summary>
    public static CliIo Io(TextWriter output, TextWriter error, IReadOnlyDictionary<string, string?>? environment = null, Func<CliIo, CliIo>? with = null)
    {
        var io = new CliIo
        {
            Output = output,
            Error = error,
            ConfigFile = NoConfigFile,
            Time = new FakeTimeProvider(),
            Environment = name =>
                environment is not null && environment.TryGetValue(name, out var value) ? value
                : name is "FN_REGISTRY" or "FN_API_URL" or "FN_TOKEN" ? null
                : Environment.GetEnvironmentVariable(name),
        };
        return with is null ? io : with(io);
    }
}
