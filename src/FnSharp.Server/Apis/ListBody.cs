using System.Text.Json.Serialization;

namespace FnSharp.Server.Apis;

/// <summary>One page of a list (<c>AppList</c>, <c>FnList</c>, <c>TriggerList</c> in Fn's swagger).</summary>
/// <typeparam name="T">The resource type.</typeparam>
/// <param name="Items">The page's resources, in name order.</param>
/// <param name="NextCursor">The cursor of the next page; present only when this page is full.</param>
internal sealed record ListBody<T>(
    [property: JsonPropertyName("items")] IReadOnlyList<T> Items,
    [property: JsonPropertyName("next_cursor"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? NextCursor);
