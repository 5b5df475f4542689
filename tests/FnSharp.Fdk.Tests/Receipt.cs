using System.Text.Json.Serialization;

namespace FnSharp.Fdk.Tests;

/// <summary>The typed output of the typed-handler tests.</summary>
public sealed record Receipt([property: JsonPropertyName("text")] string Text);
