namespace FnSharp.Cli.Commands;

/// <summary>The options every command takes (<c>--api-url</c>, <c>--output</c>), and those several share.</summary>
internal sealed class CliOptions
{
    public Option<string?> ApiUrl { get; } = new("--api-url")
    {
        Description = "The FnSharp server (default: $FN_API_URL, else api_url in ~/.fnsharp/config.json, else http://localhost:8080).",
        Recursive = true,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "The API key, sent as 'Authorization: Bearer <token>' (default: $FN_TOKEN, else token in ~/.fnsharp/config.json; none when unset).",
        Recursive = true,
    };

    /// <summary><c>--output table|json</c>, in any case; table when absent.</summary>
    public Option<OutputFormat> Output { get; } = OutputOption();

    public Option<string[]> Config { get; } = new("--config")
    {
        Description = "A config entry KEY=VALUE; repeat for more.",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string[]> Annotation { get; } = new("--annotation")
    {
        Description = "An annotation KEY=JSON, for example team='\"payments\"'; repeat for more.",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary><c>-v</c> for <c>build</c> and <c>deploy</c>: what it prints is the build's output.</summary>
    public static Option<bool> BuildVerbose() => new("--verbose", "-v")
    {
        Description = "Also print the output of each build step (dotnet publish, npm, the image build) to stderr as it comes.",
    };

    private static Option<OutputFormat> OutputOption()
    {
        // No default value factory: the help would print it as the enum's name, and absent already means Table (0).
        var option = new Option<OutputFormat>("--output", "-o")
        {
            Description = "table (for people; the default) or json (one document on stdout, for scripts).",
            HelpName = "json|table",
            Recursive = true,
            CustomParser = result =>
            {
                var given = result.Tokens[^1].Value;
                if (Enum.GetNames<OutputFormat>().FirstOrDefault(name => name.Equals(given, StringComparison.OrdinalIgnoreCase)) is { } name)
                {
                    return Enum.Parse<OutputFormat>(name);
                }

                result.AddError($"--output '{given}' is not a format: use json or table (any case)");
                return OutputFormat.Table;
            },
        };
        option.CompletionSources.Clear();
        option.CompletionSources.Add("json", "table");
        return option;
    }
}
