namespace FnSharp.Cli.Functions;

/// <summary>A trigger of <c>func.yaml</c>: <c>{name, type, source}</c> as in Fn, and FnSharp's <c>annotations</c>.</summary>
/// <param name="Name">The trigger's name, unique on the fn.</param>
/// <param name="Type">Its type; only <c>http</c> exists.</param>
/// <param name="Source">The path under <c>/t/APP</c> that calls the fn, starting with '/'.</param>
internal sealed record FuncTrigger(string Name, string Type, string Source)
{
    /// <summary>The annotations of a trigger that has none.</summary>
    public static readonly IReadOnlyDictionary<string, JsonElement> NoAnnotations = new Dictionary<string, JsonElement>(StringComparer.Ordinal);

    /// <summary>The trigger's annotations, as JSON values; an empty or null value removes the key from a trigger that has it.</summary>
    public IReadOnlyDictionary<string, JsonElement> Annotations { get; init; } = NoAnnotations;
}
