namespace FnSharp.Core.Errors;

/// <summary>
/// An error the API reports to its clients: an HTTP status and the message of the JSON body
/// <c>{"message":"..."}</c>. The well-known ones, with Fn's exact messages, are in <see cref="ApiErrors"/>.
/// </summary>
/// <param name="Status">The HTTP status code, 4xx for the client's faults and 5xx for the platform's.</param>
/// <param name="Message">The message shown to the client; never exception text.</param>
public sealed record ApiError(int Status, string Message)
{
    /// <summary>
    /// A stable label of the cause, for programs (FnSharp's extension of Fn's body, <c>"reason"</c>): for a
    /// 503 too busy, the limit that refused the call (<c>wait_time</c>, <c>start_backlog</c>, ...; <c>docs/api.md</c>).
    /// </summary>
    public string? Reason { get; init; }

    /// <summary>What the limit was and what to do, for people (FnSharp's extension, <c>"detail"</c>); never exception text.</summary>
    public string? Detail { get; init; }
}
