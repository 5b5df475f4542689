using System.Text.Json.Serialization;

namespace FnSharp.Client;

/// <summary>One page of a list.</summary>
/// <typeparam name="T">The resource type.</typeparam>
/// <param name="Items">The page's resources, in the list's order (by name; calls newest first).</param>
/// <param name="NextCursor">The cursor of the next page, or <see langword="null"/> on the last page (then left out of the JSON, as the API leaves it out).</param>
public sealed record ListPage<T>(
    [property: JsonPropertyName("items")] IReadOnlyList<T> Items,
    [property: JsonPropertyName("next_cursor"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? NextCursor);
