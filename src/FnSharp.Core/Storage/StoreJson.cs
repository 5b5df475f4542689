namespace FnSharp.Core.Storage;

/// <summary>
/// How stores keep config and annotations (JSON objects) and call headers (a JSON array of
/// <c>[name, value]</c> pairs, which keeps their order and repeated names), one text column each.
/// </summary>
public static class StoreJson
{
    /// <summary>Serializes a config map to a JSON object.</summary>
    public static string SerializeConfig(IReadOnlyDictionary<string, string> config) =>
        JsonSerializer.Serialize(config, StoreJsonContext.Default.IReadOnlyDictionaryStringString);

    /// <summary>Reads a config map written by <see cref="SerializeConfig"/>.</summary>
    public static IReadOnlyDictionary<string, string> DeserializeConfig(string json) =>
        JsonSerializer.Deserialize(json, StoreJsonContext.Default.DictionaryStringString) ?? [];

    /// <summary>Serializes an annotation map to a JSON object.</summary>
    public static string SerializeAnnotations(IReadOnlyDictionary<string, JsonElement> annotations) =>
        JsonSerializer.Serialize(annotations, StoreJsonContext.Default.IReadOnlyDictionaryStringJsonElement);

    /// <summary>Reads an annotation map written by <see cref="SerializeAnnotations"/>.</summary>
    public static IReadOnlyDictionary<string, JsonElement> DeserializeAnnotations(string json) =>
        JsonSerializer.Deserialize(json, StoreJsonContext.Default.DictionaryStringJsonElement) ?? [];

    /// <summary>Serializes named durations in ms, in their order, to a JSON object (a call's start phases and timeline).</summary>
    public static string SerializeMilliseconds(IReadOnlyDictionary<string, long> phases) =>
        JsonSerializer.Serialize(phases, StoreJsonContext.Default.IReadOnlyDictionaryStringInt64);

    /// <summary>Reads durations written by <see cref="SerializeMilliseconds"/>, in their order.</summary>
    public static IReadOnlyDictionary<string, long> DeserializeMilliseconds(string json) =>
        JsonSerializer.Deserialize(json, StoreJsonContext.Default.DictionaryStringInt64) ?? [];

    /// <summary>Serializes headers, in order, to <c>[["name","value"],...]</c>.</summary>
    public static string SerializeHeaders(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var pairs = new string[headers.Count][];
        for (var i = 0; i < pairs.Length; i++)
        {
            pairs[i] = [headers[i].Key, headers[i].Value];
        }

        return JsonSerializer.Serialize(pairs, StoreJsonContext.Default.StringArrayArray);
    }

    /// <summary>Reads headers written by <see cref="SerializeHeaders"/>, in their order.</summary>
    /// <exception cref="JsonException"><paramref name="json"/> is not an array of two-string arrays.</exception>
    public static IReadOnlyList<KeyValuePair<string, string>> DeserializeHeaders(string json)
    {
        var pairs = JsonSerializer.Deserialize(json, StoreJsonContext.Default.StringArrayArray) ?? [];
        var headers = new KeyValuePair<string, string>[pairs.Length];
        for (var i = 0; i < pairs.Length; i++)
        {
            headers[i] = pairs[i] is [var name, var value]
                ? new KeyValuePair<string, string>(name, value)
                : throw new JsonException("A stored header is not a [name, value] pair.");
        }

        return headers;
    }
}

[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, JsonElement>))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
[JsonSerializable(typeof(string[][]))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, long>))]
[JsonSerializable(typeof(Dictionary<string, long>))]
internal sealed partial class StoreJsonContext : JsonSerializerContext;
