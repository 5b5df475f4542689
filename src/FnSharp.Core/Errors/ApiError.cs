namespace FnSharp.Core.Errors;

/// <summary>
/// An error the API reports to its clients: an HTTP status and the message of the JSON body
/// <c>{"message":"..."}</c>. The well-known ones, with Fn's exact messages, are in <see cref="ApiErrors"/>.
/// </summary>
/// <param name="Status">The HTTP status code, 4xx for the client's faults and 5xx for the platform's.</param>
/// <param name="Message">The message shown to the client; never exception text.</param>
public sealed record ApiError(int Status, string Message);
