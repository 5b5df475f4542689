namespace FnSharp.Core.Models;

/// <summary>
/// An API key as <c>/v2/keys</c> shows it (an FnSharp extension; <c>docs/api.md</c>, "Keys"): its token only in
/// the answer to its creation (<see cref="Token"/>), never the token's hash, which only the store holds.
/// </summary>
public sealed record ApiKey
{
    /// <summary>The key's 26-character sortable id, also the middle part of its token.</summary>
    [JsonPropertyName("id")]
    public string Id { get; init; } = "";

    /// <summary>What the key is for, as its creator named it (1 to 255 characters); shown in the audit log.</summary>
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    /// <summary>
    /// What the key may do, each <c>admin</c>, <c>deploy:&lt;app id&gt;</c> or <c>invoke:&lt;app id&gt;</c>
    /// (<see cref="KeyScopes"/>); at least one.
    /// </summary>
    [JsonPropertyName("scopes")]
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>When the key was created (UTC).</summary>
    [JsonPropertyName("created_at")]
    [JsonConverter(typeof(Rfc3339MillisecondsConverter))]
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The id of the key that created it; <see langword="null"/> when it was made by <c>fnsharp-server keys create</c> or on a server running open.</summary>
    [JsonPropertyName("created_by")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CreatedBy { get; init; }

    /// <summary>When the key was revoked (UTC); <see langword="null"/> while it works.</summary>
    [JsonPropertyName("revoked_at")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonConverter(typeof(NullableRfc3339MillisecondsConverter))]
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>The token to send as <c>Authorization: Bearer &lt;token&gt;</c>: set only in the answer to <c>POST /v2/keys</c>, never stored.</summary>
    [JsonPropertyName("token")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Token { get; init; }
}
