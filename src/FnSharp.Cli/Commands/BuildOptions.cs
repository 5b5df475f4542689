using System.CommandLine;
using System.Text.RegularExpressions;
using FnSharp.Cli.Functions;

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

    /// <summary>Reads and checks func.yaml in <c>--path</c>, and prints its warnings (the fields it ignores) to stderr.</summary>
    /// <exception cref="CliException">The file is missing or not valid.</exception>
    public async Task<FuncFile> ReadFuncFileAsync(ParseResult parse, CliContext context)
    {
        var file = FuncFileReader.Read(parse.GetValue(Path)!);
        foreach (var warning in file.Warnings)
        {
            await context.Error.WriteLineAsync("Warning: " + warning);
        }

        return file;
    }

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
