using System.Text.Json.Serialization;
using FnSharp.Core.Json;

namespace FnSharp.Client;

/// <summary>A key just created by <c>POST /v2/keys</c>, with its token: the one time the server shows it.</summary>
public sealed record NewApiKey
{
    /// <summary>The key's id.</summary>
    [JsonPropertyName("id")]
    public string Id { get; init; } = "";

    /// <summary>The key's name.</summary>
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    /// <summary>Its scopes: <c>admin</c>, <c>deploy:&lt;app id&gt;</c>, <c>invoke:&lt;app id&gt;</c>.</summary>
    [JsonPropertyName("scopes")]
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>When it was created (UTC).</summary>
    [JsonPropertyName("created_at")]
    [JsonConverter(typeof(Rfc3339MillisecondsConverter))]
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The token, to send as <c>Authorization: Bearer &lt;token&gt;</c>.</summary>
    [JsonPropertyName("token")]
    public string Token { get; init; } = "";
}
