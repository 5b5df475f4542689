using System.Text.Json;
using System.Text.Json.Serialization;

namespace FnSharp.Core.Storage;

/// <summary>How stores keep config and annotations: as JSON objects in one text column each.</summary>
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
}

[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, JsonElement>))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
internal sealed partial class StoreJsonContext : JsonSerializerContext;
