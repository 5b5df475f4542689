using System.Text.Json.Serialization;

namespace FnSharp.Server.Apis;

/// <summary>The body of <c>GET /</c> and <c>GET /version</c>.</summary>
/// <param name="Version">The server's version.</param>
internal sealed record VersionBody([property: JsonPropertyName("version")] string Version);
