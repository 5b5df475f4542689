using System.Text.Encodings.Web;
using System.Text.Json.Nodes;

namespace FnSharp.Cli.Output;

/// <summary>
/// The JSON that <c>--output json</c> prints: one document on stdout, indented, with characters such as
/// <c>'</c>, <c>&lt;</c>, <c>&amp;</c> and accented letters as they are (terminal output, not HTML).
/// Shapes (docs/cli.md, "Output"): a list is always <c>{"items": [...]}</c> (with <c>next_cursor</c> when
/// there are more pages); a single resource is its object.
/// </summary>
internal static class JsonOutput
{
    public static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The same on one line, for a JSON value in a table cell.</summary>
    public static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The JSON of <paramref name="value"/>, indented.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>
    /// A resource of the API as printed: its JSON, without a <c>shape</c> of <c>""</c> (the API always
    /// sends the field; empty, it says nothing).
    /// </summary>
    public static JsonObject Resource<T>(T resource)
    {
        var node = JsonSerializer.SerializeToNode(resource, Options)?.AsObject()
            ?? throw new InvalidOperationException($"a {typeof(T).Name} serialized to null");
        if (node["shape"] is JsonValue shape && shape.GetValueKind() == JsonValueKind.String && shape.GetValue<string>().Length == 0)
        {
            node.Remove("shape");
        }

        return node;
    }
}
