using System.Text.Json.Serialization;

namespace FnSharp.Cli.Commands;

/// <summary>What <c>init --output json</c> prints: the function's name and runtime, its directory (absolute) and the files written there.</summary>
internal sealed record InitOutput(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("runtime")] string Runtime,
    [property: JsonPropertyName("directory")] string Directory,
    [property: JsonPropertyName("files")] IReadOnlyList<string> Files);
