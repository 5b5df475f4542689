using System.Text.Json.Serialization;
using FnSharp.Core.Json;

namespace FnSharp.Server.Auth;

/// <summary>The answer to <c>POST /v2/keys</c>: the key's fields and, this once, its token.</summary>
internal sealed record CreatedKey
{
    /// <summary>The key's id.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>The key's name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>The key's scopes.</summary>
    [JsonPropertyName("scopes")]
    public required IReadOnlyList<string> Scopes { get; init; }

    /// <summary>When it was created (UTC).</summary>
    [JsonPropertyName("created_at")]
    [JsonConverter(typeof(Rfc3339MillisecondsConverter))]
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The key that created it, when one did.</summary>
    [JsonPropertyName("created_by")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CreatedBy { get; init; }

    /// <summary>The token to send as <c>Authorization: Bearer &lt;token&gt;</c>; shown only here, the server keeps a hash.</summary>
    [JsonPropertyName("token")]
    public required string Token { get; init; }
}
