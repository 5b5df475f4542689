using System.Text.Json.Nodes;

namespace FnSharp.Cli.Commands;

/// <summary>
/// Fn's field form of <c>inspect</c>: <c>fnsharp inspect fn myapp hello image</c> prints the image alone,
/// as <c>fn inspect fn myapp hello image</c> does. A field is a top-level name of the resource's JSON
/// (<c>image</c>, <c>config</c>), or <c>field.key</c> for an entry of an object, where the key may hold dots
/// itself (<c>annotations.fnproject.io/fn/invokeEndpoint</c>, which Fn's form cannot reach).
/// </summary>
internal static class InspectField
{
    /// <summary>The optional FIELD argument of the inspect commands.</summary>
    public static System.CommandLine.Argument<string?> Argument() => new("field")
    {
        Description = "Print only this field: a name such as image, or config.KEY, annotations.KEY.",
        Arity = System.CommandLine.ArgumentArity.ZeroOrOne,
    };

    /// <summary>
    /// Prints <paramref name="resource"/>, or its field <paramref name="field"/> when one is given: a text or
    /// number as it is (JSON with <c>--output json</c>), an object as a KEY VALUE table (its JSON).
    /// </summary>
    /// <param name="context">Where and how to print.</param>
    /// <param name="resource">The app, fn or trigger.</param>
    /// <param name="field">The field, or <see langword="null"/> for the whole resource.</param>
    /// <param name="inspect">The words of the inspect command that names the resource, for the hint of a missing key.</param>
    /// <exception cref="CliException">
    /// The kind has no such field (usage, exit 2), or the object no such key or the field no value (exit 1): an unset
    /// <c>syslog_url</c>, an empty <c>shape</c>, <c>config</c> or <c>annotations</c>, which Fn's server leaves out of its
    /// JSON and on which Fn's CLI fails too (<c>Failed to inspect field syslog_url</c>), rather than an empty line. A key
    /// that is there with an empty value (<c>config.KEY</c> set to <c>""</c>) prints it, as <c>get config</c> does.
    /// </exception>
    public static async Task PrintAsync<T>(CliContext context, T resource, string? field, string[] inspect)
    {
        if (field is null)
        {
            await ResourcePrinter.OneAsync(context, resource);
            return;
        }

        var kind = typeof(T).Name.ToLowerInvariant();
        var fields = Fields(typeof(T));
        var top = field.Split('.', 2)[0];
        if (!fields.Contains(top))
        {
            var meant = Spelling.Suggest(top, fields);
            throw CliException.Usage($"a{(kind.StartsWith('a') ? "n" : "")} {kind} has no field '{top}'{(meant is null ? "." : $": did you mean '{meant}'?")} Its fields: {string.Join(", ", fields)}");
        }

        var node = JsonSerializer.SerializeToNode(resource, JsonOutput.Options)!.AsObject();
        var path = field.Length > top.Length ? field[(top.Length + 1)..] : "";
        if (!TryResolve(node[top], path, out var value) || (path.Length == 0 ? IsUnset(value) : value is null))
        {
            throw new CliException($"{kind} '{inspect[^1]}' has no {field}", $"See its fields: {context.Command(["inspect", .. inspect])}");
        }

        if (context.Json)
        {
            await context.Output.WriteLineAsync(value?.ToJsonString(JsonOutput.Options) ?? "null");
        }
        else if (value is JsonObject entries)
        {
            await TableWriter.WriteAsync(context.Output, ["KEY", "VALUE"], entries.Select(e => (IReadOnlyList<string>)[e.Key, ResourcePrinter.Text(e.Value)]));
        }
        else
        {
            await context.Output.WriteLineAsync(ResourcePrinter.Text(value));
        }
    }

    /// <summary>Whether <paramref name="value"/> is no value: null, <c>""</c> or an object without an entry.</summary>
    private static bool IsUnset(JsonNode? value) => value switch
    {
        null => true,
        JsonObject entries => entries.Count == 0,
        JsonValue text when text.GetValueKind() == JsonValueKind.String => text.GetValue<string>().Length == 0,
        _ => false,
    };

    /// <summary>The JSON names of <paramref name="type"/>'s fields, in the order its JSON has them.</summary>
    public static IReadOnlyList<string> Fields(Type type) =>
        [.. JsonSerializerOptions.Default.GetTypeInfo(type).Properties.Select(p => p.Name)];

    /// <summary>
    /// Follows <paramref name="path"/> into <paramref name="node"/>: the whole path when the object has it as
    /// a key, else its first dotted segments as a key and the rest inside that entry.
    /// </summary>
    private static bool TryResolve(JsonNode? node, string path, out JsonNode? value)
    {
        value = node;
        if (path.Length == 0)
        {
            return true;
        }

        if (node is not JsonObject entries)
        {
            return false;
        }

        if (entries.TryGetPropertyValue(path, out value))
        {
            return true;
        }

        for (var dot = path.IndexOf('.', StringComparison.Ordinal); dot > 0; dot = path.IndexOf('.', dot + 1))
        {
            if (entries.TryGetPropertyValue(path[..dot], out var inner) && TryResolve(inner, path[(dot + 1)..], out value))
            {
                return true;
            }
        }

        value = null;
        return false;
    }
}
