using System.CommandLine;
using System.Text.RegularExpressions;

namespace FnSharp.Cli.Commands;

/// <summary>The options <c>build</c> and <c>deploy</c> share.</summary>
internal sealed partial class BuildOptions
{
    public Option<string> Path { get; } = new("--path", "-p")
    {
        Description = "The function's directory, holding func.yaml and the Dockerfile (default: the current directory).",
        DefaultValueFactory = _ => ".",
    };

    public Option<bool> NoCache { get; } = new("--no-cache")
    {
        Description = "Build every step of the image afresh, without the engine's layer cache.",
    };

    public Option<string?> Registry { get; } = new("--registry")
    {
        Description = "A prefix for the image name, [REGISTRY/]NAME:VERSION (default: $FN_REGISTRY). Nothing is pushed: the local engine runs the image.",
    };

    /// <summary>The registry prefix: <c>--registry</c>, else <c>FN_REGISTRY</c>, else none.</summary>
    /// <exception cref="CliException">The prefix has characters an image name cannot hold.</exception>
    public string? ResolveRegistry(ParseResult parse, CliContext context)
    {
        var registry = parse.GetValue(Registry) is { Length: > 0 } given ? given : context.Environment("FN_REGISTRY");
        if (registry is not { Length: > 0 })
        {
            return null;
        }

        return ValidRegistry().IsMatch(registry)
            ? registry.TrimEnd('/')
            : throw new CliException($"the registry '{registry}' is not an image name prefix such as registry.example:5000/team");
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:/-]*$")]
    private static partial Regex ValidRegistry();
}
