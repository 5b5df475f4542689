using System.Text.Json.Serialization;

namespace FnSharp.Server.Auth;

/// <summary>The body of <c>POST /v2/keys</c>.</summary>
internal sealed record KeyRequest
{
    /// <summary>What the key is for, 1 to 255 characters.</summary>
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    /// <summary>Its scopes: <c>admin</c>, <c>deploy:&lt;app id&gt;</c>, <c>invoke:&lt;app id&gt;</c>.</summary>
    [JsonPropertyName("scopes")]
    public IReadOnlyList<string> Scopes { get; init; } = [];
}
