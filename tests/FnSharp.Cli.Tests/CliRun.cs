namespace FnSharp.Cli.Tests;

/// <summary>Runs the CLI in-process, with its output and error captured and an environment of the test's own.</summary>
internal static class CliRun
{
    /// <summary>
    /// Runs <paramref name="args"/>; environment variables come from <paramref name="environment"/>, then
    /// from the process (FN_REGISTRY, FN_API_URL and FN_TOKEN excepted, so that the machine's settings cannot change a test).
    /// </summary>
    public static async Task<(int Code, string Output, string Error)> RunAsync(string[] args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error, TextReader.Null, inputRedirected: false, name =>
            environment is not null && environment.TryGetValue(name, out var value) ? value
            : name is "FN_REGISTRY" or "FN_API_URL" or "FN_TOKEN" ? null
            : Environment.GetEnvironmentVariable(name));
        return (code, output.ToString().ReplaceLineEndings("\n"), error.ToString().ReplaceLineEndings("\n"));
    }
}
