namespace FnSharp.Cli.Functions;

/// <summary>
/// A function's <c>func.yaml</c> in Fn's format (<c>schema_version: 20180708</c>), as
/// <see cref="FuncFileReader"/> reads and checks it. Fields of Fn's schema that FnSharp does not use
/// (<c>entrypoint</c>, <c>cmd</c>, <c>build_image</c>, ...) are left out, with a warning each
/// (<see cref="FuncFileSchema.IgnoredFields"/>).
/// </summary>
internal sealed record FuncFile
{
    /// <summary>The only schema read: Fn's <c>20180708</c>.</summary>
    public const int SchemaVersion = 20180708;

    /// <summary>The file's full path.</summary>
    public required string Path { get; init; }

    /// <summary>The file's text as read, for rewriting it with another version.</summary>
    public required string Text { get; init; }

    /// <summary>The fn's name, also the image's repository name.</summary>
    public required string Name { get; init; }

    /// <summary>The function's version, the image's tag, for example <c>0.0.1</c>.</summary>
    public required string Version { get; init; }

    /// <summary>Where <see cref="Version"/> stands in <see cref="Text"/>, to rewrite only that value.</summary>
    public required FuncFileSpan VersionSpan { get; init; }

    /// <summary>The function's language: <c>csharp</c>, <c>node</c> or <c>docker</c> (the Dockerfile alone).</summary>
    public required string Runtime { get; init; }

    /// <summary>The image the function runs on, given to the Dockerfile as the build argument <c>RUN_IMAGE</c>.</summary>
    public string? RunImage { get; init; }

    /// <summary>Memory of each container in MiB; 0 when the file leaves it to the server.</summary>
    public int Memory { get; init; }

    /// <summary>Longest a call may run, in seconds; 0 when the file leaves it to the server.</summary>
    public int Timeout { get; init; }

    /// <summary>How long a hot container may idle, in seconds; 0 when the file leaves it to the server.</summary>
    public int IdleTimeout { get; init; }

    /// <summary>The fn's config entries.</summary>
    public IReadOnlyDictionary<string, string> Config { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The fn's annotations, as JSON values; an empty or null value removes the key from a fn that has it.</summary>
    public IReadOnlyDictionary<string, JsonElement> Annotations { get; init; } = new Dictionary<string, JsonElement>(StringComparer.Ordinal);

    /// <summary>The fn's triggers, created or updated by name on deploy.</summary>
    public IReadOnlyList<FuncTrigger> Triggers { get; init; } = [];

    /// <summary>One line per ignored field, naming the file, the field, why, and its line: printed to stderr as <c>Warning: ...</c>.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>
    /// Where each field read stands, by its path in messages: <c>memory</c>, <c>config[GREETING]</c>, <c>annotations[team]</c>,
    /// <c>triggers[0]</c>, <c>triggers[0].source</c>, <c>triggers[0].annotations[fnsharp.io/invoke-type]</c>.
    /// </summary>
    public IReadOnlyDictionary<string, FuncFileField> Fields { get; init; } = new Dictionary<string, FuncFileField>(StringComparer.Ordinal);

    /// <summary>The directory holding the file: the build context.</summary>
    public string Directory => System.IO.Path.GetDirectoryName(Path)!;

    /// <summary>
    /// The image name: <c>[registry/]name:version</c>, as Fn names it; <paramref name="registry"/>
    /// (<c>--registry</c> or <c>FN_REGISTRY</c>) is only a prefix here, as nothing is pushed.
    /// </summary>
    public string ImageName(string? registry, string? version = null) =>
        (registry is { Length: > 0 } ? registry.TrimEnd('/') + "/" : "") + Name + ":" + (version ?? Version);

    /// <summary>
    /// An error about <paramref name="field"/> (a path of <see cref="Fields"/>): <c>FILE: MESSAGE (line N)</c>,
    /// with the line of the field, else of the nearest enclosing one that is written (a trigger's default
    /// <c>source</c> is on the trigger's line).
    /// </summary>
    public CliException Error(string field, string message)
    {
        for (var path = field; path.Length > 0; path = path.EndsWith(']') ? path[..path.LastIndexOf('[')] : path[..Math.Max(path.LastIndexOf('.'), 0)])
        {
            if (Fields.TryGetValue(path, out var found))
            {
                return new CliException($"{Path}: {message} (line {found.Line.ToString(CultureInfo.InvariantCulture)})");
            }
        }

        return new CliException($"{Path}: {message}");
    }

    /// <summary>
    /// <paramref name="annotations"/> without the keys whose value is null or empty text: those remove a key in an
    /// update (the API's PUT rules), and a new fn or trigger has nothing to remove.
    /// </summary>
    public static IReadOnlyDictionary<string, JsonElement> WithoutRemovals(IReadOnlyDictionary<string, JsonElement> annotations) =>
        annotations.Where(a => !RemovesKey(a.Value)).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);

    /// <summary>Whether an annotation value removes its key in an update: null, or empty text.</summary>
    public static bool RemovesKey(JsonElement value) =>
        value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined || (value.ValueKind == JsonValueKind.String && value.GetString()!.Length == 0);
}
