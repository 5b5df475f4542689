using System.Text.Json;

namespace FnSharp.Server.Tests.Edge;

/// <summary>One answer: status, headers (the last of each name) and body.</summary>
internal sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>The <c>message</c> of a JSON error body.</summary>
    public string? Message => Body.Length == 0 ? null : JsonDocument.Parse(Body).RootElement.GetProperty("message").GetString();
}
