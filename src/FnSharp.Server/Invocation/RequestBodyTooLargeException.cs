namespace FnSharp.Server.Invocation;

/// <summary>A chunked request body went over <c>FN_MAX_REQUEST_SIZE</c> (an <see cref="IOException"/>, as the HTTP client expects of a body).</summary>
internal sealed class RequestBodyTooLargeException(long read, long maxBytes)
    : IOException($"The request body is over FN_MAX_REQUEST_SIZE: {read} > {maxBytes} bytes");
