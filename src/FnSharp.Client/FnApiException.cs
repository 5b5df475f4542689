using System.Net;

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
}
