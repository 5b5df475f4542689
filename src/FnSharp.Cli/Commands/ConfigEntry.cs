using System.Text.Json.Serialization;

namespace FnSharp.Cli.Commands;

/// <summary>A config entry as <c>--output json</c> prints it; <see cref="Value"/> is <see langword="null"/> when the key is not set (after <c>unset config</c>).</summary>
internal sealed record ConfigEntry(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("value")] string? Value);
