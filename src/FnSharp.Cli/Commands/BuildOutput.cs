using System.Text.Json.Serialization;

namespace FnSharp.Cli.Commands;

/// <summary>What <c>build --output json</c> prints: the function's name and version, and the image built.</summary>
internal sealed record BuildOutput(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("image")] string Image);
