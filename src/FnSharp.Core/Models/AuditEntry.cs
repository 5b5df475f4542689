namespace FnSharp.Core.Models;

/// <summary>
/// One change made through the API, as <c>GET /v2/audit</c> shows it (an FnSharp extension;
/// <c>docs/api.md</c>, "Audit log"): who (the key), what (the route, the resource) and when.
/// </summary>
public sealed record AuditEntry
{
    /// <summary>The entry's 26-character sortable id.</summary>
    [JsonPropertyName("id")]
    public string Id { get; init; } = "";

    /// <summary>When the change was answered (UTC).</summary>
    [JsonPropertyName("time")]
    [JsonConverter(typeof(Rfc3339MillisecondsConverter))]
    public DateTimeOffset Time { get; init; }

    /// <summary>The id of the key that made it: a stored key's id, <c>FN_ADMIN_TOKEN</c>, or <see langword="null"/> on a server running without keys.</summary>
    [JsonPropertyName("key_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? KeyId { get; init; }

    /// <summary>The name of that key at the time; <c>anonymous</c> without one.</summary>
    [JsonPropertyName("key_name")]
    public string KeyName { get; init; } = "";

    /// <summary>The client's IP address, when known.</summary>
    [JsonPropertyName("remote_addr")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RemoteAddress { get; init; }

    /// <summary>The route changed, as method and pattern, for example <c>PUT /v2/fns/{fnID}</c>.</summary>
    [JsonPropertyName("action")]
    public string Action { get; init; } = "";

    /// <summary>The request's path, for example <c>/v2/fns/01J...</c>.</summary>
    [JsonPropertyName("path")]
    public string Path { get; init; } = "";

    /// <summary>The status answered (2xx: only changes that happened are recorded).</summary>
    [JsonPropertyName("status")]
    public int Status { get; init; }

    /// <summary>The id of the resource created, changed or removed, when there is one.</summary>
    [JsonPropertyName("resource_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ResourceId { get; init; }

    /// <summary>The app the change concerns, when it concerns one.</summary>
    [JsonPropertyName("app_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AppId { get; init; }
}
