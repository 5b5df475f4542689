namespace FnSharp.Server.Detached;

/// <summary>
/// <c>POST /v2/fns/{fnID}/calls/{callID}/redrive</c>: queues a dead letter again (<c>docs/api.md</c>,
/// "Detached calls"). Listing dead letters is <c>GET /v2/fns/{fnID}/calls?dead_letter=true</c>.
/// </summary>
internal static partial class DetachedCallsApi
{
    public static IEndpointRouteBuilder MapDetachedCallsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v2/fns/{fnID}/calls/{callID}/redrive", RedriveCall).RequireAppScope(KeyScopes.Deploy, AppFrom.FnId, "fnID");
        return routes;
    }

    /// <summary>
    /// 202 with the call as now stored (queued, due now, attempts 0, its end fields cleared), and the
    /// worker woken; 404 <c>Fn not found</c> or <c>Call not found</c>; 409 when the call is not a dead letter.
    /// </summary>
    public static async Task<IResult> RedriveCall(
        string fnID,
        string callID,
        IDataStore store,
        ICallStore calls,
        DetachedCallWorker worker,
        DetachedCallMetrics metrics,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var call = await calls.RedriveCallAsync(fnID, callID, ApiTime.Now(time), cancellationToken)
            ?? throw await CallsApi.NotFoundAsync(fnID, store, cancellationToken);
        metrics.Redrives.Add(1, DetachedCallMetrics.Fn(fnID));
        LogRedriven(loggers.CreateLogger(typeof(DetachedCallsApi).FullName!), callID, fnID);
        worker.Wake();
        return TypedResults.Accepted($"/v2/fns/{fnID}/calls/{callID}", call);
    }

    // Event ids 1500-1599 belong to detached calls: 1570-1579 to their API.
    [LoggerMessage(1570, LogLevel.Information, "Dead letter {CallId} of fn {FnId} re-driven through the API: queued again")]
    private static partial void LogRedriven(ILogger logger, string callId, string fnId);
}
