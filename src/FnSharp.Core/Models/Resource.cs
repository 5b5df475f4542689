namespace FnSharp.Core.Models;

/// <summary>
/// What apps, fns and triggers share: a server-assigned id, a name, and when they were created and last
/// changed. In their JSON <c>id</c> and <c>name</c> come first and the two times last, as in Fn's v2 API
/// (<c>fn-swagger-v2.yml</c>), whatever a derived record declares.
/// </summary>
public abstract record Resource
{
    /// <summary>The 26-character sortable id, assigned by the server on create.</summary>
    [JsonPropertyName("id")]
    [JsonPropertyOrder(-2)]
    public string Id { get; init; } = "";

    /// <summary>
    /// The name: an app's is unique (1..255 Unicode letters, digits, <c>_</c> or <c>-</c>), a fn's unique
    /// within its app, a trigger's unique for its app and fn.
    /// </summary>
    [JsonPropertyName("name")]
    [JsonPropertyOrder(-1)]
    public string Name { get; init; } = "";

    /// <summary>When it was created (UTC).</summary>
    [JsonPropertyName("created_at")]
    [JsonPropertyOrder(1)]
    [JsonConverter(typeof(Rfc3339MillisecondsConverter))]
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it was last changed (UTC).</summary>
    [JsonPropertyName("updated_at")]
    [JsonPropertyOrder(2)]
    [JsonConverter(typeof(Rfc3339MillisecondsConverter))]
    public DateTimeOffset UpdatedAt { get; init; }
}
