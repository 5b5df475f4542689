using System.Text.Json.Serialization;

namespace FnSharp.Fdk.Tests;

/// <summary>The typed input of the typed-handler tests.</summary>
public sealed record Order([property: JsonPropertyName("item")] string Item, [property: JsonPropertyName("quantity")] int Quantity);
