using System.Globalization;

namespace FnSharp.Server.Apis;

/// <summary>
/// <c>/v2/fns/{fnID}/calls</c>: a fn's call records, synchronous and detached, newest first, and each
/// call's log as text. Field names follow Fn's v1 call model (see <see cref="Call"/>); the routes are
/// FnSharp's, since Fn's v2 API has none (<c>docs/api.md</c>).
/// </summary>
internal static class CallsApi
{
    /// <summary>The content type of a call's log.</summary>
    public const string LogContentType = "text/plain; charset=utf-8";

    /// <summary>400: a <c>status</c> filter that is not a call status.</summary>
    public static readonly ApiError InvalidStatus = new(400, "invalid status: use one of " + string.Join(", ", CallStates.All));

    /// <summary>400: a <c>dead_letter</c> filter that is not a boolean.</summary>
    public static readonly ApiError InvalidDeadLetter = new(400, "invalid dead_letter: use true or false");

    // Unix seconds of 9999-12-31T23:59:59Z, the last second a DateTimeOffset holds.
    private const long MaxUnixSeconds = 253_402_300_799;

    private static readonly string[] s_rfc3339Formats = ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz"];

    public static IEndpointRouteBuilder MapCallsApi(this IEndpointRouteBuilder routes)
    {
        var calls = routes.MapGroup("/v2/fns/{fnID}/calls");
        calls.MapGet("", ListCalls).RequireAppScope(KeyScopes.Deploy, AppFrom.FnId, "fnID");
        calls.MapGet("/{callID}", GetCall).RequireAppScope(KeyScopes.Deploy, AppFrom.FnId, "fnID");
        calls.MapGet("/{callID}/log", GetCallLog).RequireAppScope(KeyScopes.Deploy, AppFrom.FnId, "fnID");
        return routes;
    }

    /// <summary>400: a <c>from_time</c> or <c>to_time</c> that is neither RFC 3339 nor Unix seconds.</summary>
    /// <param name="name">The query parameter.</param>
    /// <param name="value">Its value.</param>
    public static ApiError InvalidTime(string name, string value) =>
        new(400, $"invalid {name} '{value}': use an RFC 3339 time such as 2026-11-30T10:29:07Z, or Unix seconds");

    /// <summary>
    /// One page of the fn's calls, newest first: <c>{"items":[...],"next_cursor":"..."}</c>, the cursor
    /// present only when the page is full. Filters: <c>status</c> (one of <see cref="CallStates.All"/>),
    /// <c>dead_letter</c> (<c>true</c>/<c>false</c>), <c>from_time</c> (created at or after) and
    /// <c>to_time</c> (created before), each RFC 3339 or Unix seconds; <c>per_page</c> 30 by default, at
    /// most 100. 400 for a bad filter or cursor, 404 <c>Fn not found</c>.
    /// </summary>
    public static async Task<IResult> ListCalls(
        string fnID,
        IDataStore store,
        ICallStore calls,
        string? cursor,
        string? per_page,
        string? status,
        string? dead_letter,
        string? from_time,
        string? to_time,
        CancellationToken cancellationToken)
    {
        var filter = Cursor.NewestFirst(new CallFilter { FnId = fnID }, cursor, per_page, from_time, to_time) with
        {
            Status = ParseStatus(status),
            DeadLetter = ParseDeadLetter(dead_letter),
        };
        _ = await store.GetFnAsync(fnID, cancellationToken) ?? throw new ApiException(ApiErrors.FnNotFound);
        var page = await calls.GetCallsAsync(filter, cancellationToken);
        return TypedResults.Ok(new ListBody<Call>(page.Items, Cursor.NextId(page, static c => c.Id)));
    }

    /// <summary>200 with the call; 404 <c>Call not found</c>, or <c>Fn not found</c> when the fn does not exist.</summary>
    public static async Task<IResult> GetCall(string fnID, string callID, IDataStore store, ICallStore calls, CancellationToken cancellationToken) =>
        await calls.GetCallAsync(fnID, callID, cancellationToken) is { } call
            ? TypedResults.Ok(call)
            : throw await NotFoundAsync(fnID, store, cancellationToken);

    /// <summary>
    /// 200 <c>text/plain; charset=utf-8</c> with the call's output, one line per line; 404
    /// <c>Call log not found</c> when the call exists without a log (it wrote nothing, or never reached a
    /// container), else <c>Call not found</c> or <c>Fn not found</c>.
    /// </summary>
    public static async Task<IResult> GetCallLog(string fnID, string callID, IDataStore store, ICallStore calls, CancellationToken cancellationToken)
    {
        if (await calls.GetCallLogAsync(fnID, callID, cancellationToken) is { } log)
        {
            return TypedResults.Text(log.Text, LogContentType);
        }

        if (await calls.GetCallAsync(fnID, callID, cancellationToken) is not null)
        {
            throw new ApiException(ApiErrors.CallLogNotFound);
        }

        throw await NotFoundAsync(fnID, store, cancellationToken);
    }

    /// <summary>Parses a time filter: RFC 3339 with an offset (<c>Z</c> or <c>±hh:mm</c>, any fraction of a second) or whole Unix seconds.</summary>
    /// <exception cref="ApiException"><see cref="InvalidTime"/> for anything else.</exception>
    internal static DateTimeOffset? ParseTime(string name, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return seconds <= MaxUnixSeconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : throw new ApiException(InvalidTime(name, value));
        }

        // RFC 3339 allows a lower-case 't' and 'z', and any number of digits after the second (Go's
        // RFC3339Nano, what Fn's clients send, has nine); .NET reads seven, a tick. Digits past the
        // seventh round up by one tick: the bound is then rounded up to whole milliseconds, as the
        // exact time would be, so the comparison stays exact.
        var text = value.ToUpperInvariant();
        var extraTick = false;
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            if (end - dot - 1 > 7)
            {
                extraTick = text.AsSpan(dot + 8, end - dot - 8).ContainsAnyExcept('0');
                text = text[..(dot + 8)] + text[end..];
            }
        }

        return DateTimeOffset.TryParseExact(text, s_rfc3339Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time.ToUniversalTime().AddTicks(extraTick && time.UtcTicks < DateTimeOffset.MaxValue.UtcTicks ? 1 : 0)
            : throw new ApiException(InvalidTime(name, value));
    }

    private static string? ParseStatus(string? status) =>
        string.IsNullOrEmpty(status) ? null
        : CallStates.All.Contains(status, StringComparer.Ordinal) ? status
        : throw new ApiException(InvalidStatus);

    private static bool? ParseDeadLetter(string? value) =>
        string.IsNullOrEmpty(value) ? null
        : bool.TryParse(value, out var deadLetter) ? deadLetter
        : throw new ApiException(InvalidDeadLetter);

    /// <summary>The 404 for a call the fn does not have: <c>Fn not found</c> when there is no such fn, else <c>Call not found</c> (the fn is looked up only then).</summary>
    internal static async Task<ApiException> NotFoundAsync(string fnID, IDataStore store, CancellationToken cancellationToken) =>
        new(await store.GetFnAsync(fnID, cancellationToken) is null ? ApiErrors.FnNotFound : ApiErrors.CallNotFound);
}
