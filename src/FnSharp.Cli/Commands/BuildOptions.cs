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
        Description = "The registry and namespace of the image, HOST[:PORT]/NAMESPACE, which prefixes its name: HOST[:PORT]/NAMESPACE/NAME:VERSION (default: $FN_REGISTRY, else registry in ~/.fnsharp/config.json; none: NAME:VERSION on the local engine only).",
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

    /// <summary>The registry prefix: <c>--registry</c>, else <c>FN_REGISTRY</c>, else <c>registry</c> in the CLI's config file, else none.</summary>
    /// <exception cref="CliException">The prefix has characters an image name cannot hold, or the config file is not valid.</exception>
    public string? ResolveRegistry(ParseResult parse, CliContext context)
    {
        var registry = parse.GetValue(Registry) is { Length: > 0 } given ? given
            : context.Environment("FN_REGISTRY") is { Length: > 0 } environment ? environment
            : context.Config.Registry;
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
