using System.CommandLine;
using FnSharp.Cli.Output;

namespace FnSharp.Cli.Commands;

/// <summary>The options every command takes, as Fn's CLI has them.</summary>
internal sealed class CliOptions
{
    public Option<string?> ApiUrl { get; } = new("--api-url")
    {
        Description = "The FnSharp server (default: $FN_API_URL, else api_url in ~/.fnsharp/config.json, else http://localhost:8080).",
        Recursive = true,
    };

    public Option<OutputFormat> Output { get; } = new("--output", "-o")
    {
        Description = "Output format: table (for people) or json (for scripts).",
        DefaultValueFactory = _ => OutputFormat.Table,
        Recursive = true,
    };

    public Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Also print the status and the call id (to stderr).",
        Recursive = true,
    };

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
}
