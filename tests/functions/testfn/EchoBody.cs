using System.Text.Json.Serialization;

namespace TestFn;

/// <summary>The answer to <c>"echo": true</c>: what the function received.</summary>
internal sealed record EchoBody(
    [property: JsonPropertyName("body")] string Body,
    [property: JsonPropertyName("headers")] SortedDictionary<string, string> Headers,
    [property: JsonPropertyName("env")] SortedDictionary<string, string> Env);
