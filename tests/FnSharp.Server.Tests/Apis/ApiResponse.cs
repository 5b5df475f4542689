using System.Net;
using System.Text.Json;

namespace FnSharp.Server.Tests.Apis;

/// <summary>A response of the API: status, content type and the parsed JSON body (or <see langword="null"/> when empty).</summary>
internal sealed record ApiResponse(HttpStatusCode Status, string? ContentType, JsonElement? Body)
{
    /// <summary>The body's <c>message</c> (error bodies).</summary>
    public string? Message => Body is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty("message", out var m) ? m.GetString() : null;

    /// <summary>The body's <c>detail</c> (FnSharp's extension of error bodies), or <see langword="null"/>.</summary>
    public string? Detail => Body is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty("detail", out var d) ? d.GetString() : null;

    /// <summary>The body, which must be there.</summary>
    public JsonElement Json => Body ?? throw new InvalidOperationException($"no body ({Status})");
}
