using System.Net;
using System.Text.Json;

namespace FnSharp.Client;

/// <summary>The API answered with an error: <see cref="StatusCode"/> and the server's message.</summary>
public sealed class FnApiException : Exception
{
    /// <summary>Creates the exception for an error answer.</summary>
    public FnApiException(HttpStatusCode statusCode, string message)
        : base(message)
    {
        StatusCode = statusCode;
    }

    /// <summary>The HTTP status of the answer.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>
    /// The message of Fn's error body (<c>{"message": "..."}</c>), followed by FnSharp's <c>detail</c> when the body has
    /// one (<c>Invalid JSON: memory must be an integer.</c>), or <see langword="null"/> when the body is not such a body.
    /// </summary>
    /// <param name="body">The answer's body as text.</param>
    public static string? MessageOf(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            return root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String && detail.GetString() is { Length: > 0 } text
                ? $"{message.GetString()}: {text}"
                : message.GetString();
        }
        catch (JsonException)
        {
            // Not Fn's error body.
            return null;
        }
    }
}
