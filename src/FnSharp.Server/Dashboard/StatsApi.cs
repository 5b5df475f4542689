using System.Globalization;

namespace FnSharp.Server.Dashboard;

/// <summary>
/// <c>GET /v2/stats</c>: the node's live statistics, or one fn's at <c>GET /v2/fns/{fnID}/stats</c>, for the dashboard's
/// live view (an FnSharp extension, <c>docs/api.md</c>, "Live statistics"). Prometheus reads <c>/metrics</c>;
/// this answer is made for a page that polls it once a second with <c>since</c>.
/// </summary>
internal static class StatsApi
{
    /// <summary>400: a <c>since</c> that is not a whole number of Unix seconds.</summary>
    public static readonly ApiError InvalidSince = new(400, "invalid since: use Unix seconds, such as the now of the last answer");

    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder routes)
    {
        // The node's figures are every app's: admin only; one fn's are its app's.
        routes.MapGet("/v2/stats", GetNodeStats).RequireAdmin();
        routes.MapGet("/v2/fns/{fnID}/stats", GetFnStats).RequireAppScope(KeyScopes.Deploy, AppFrom.FnId, "fnID");
        return routes;
    }

    /// <summary>
    /// 200 with the node's <see cref="StatsBody"/>; <c>since</c> (Unix seconds) limits the series to the
    /// seconds after it. 400 for a bad <c>since</c>.
    /// </summary>
    public static IResult GetNodeStats(string? since, LiveStats stats) =>
        TypedResults.Json(stats.Read(null, 0, Since(since)), DashboardJsonContext.Default.StatsBody, ApiJson.ContentType);

    /// <summary>
    /// 200 with one fn's <see cref="StatsBody"/>; <c>since</c> as for the node. 400 for a bad <c>since</c>,
    /// 404 <c>Fn not found</c> for an unknown fn.
    /// </summary>
    public static async Task<IResult> GetFnStats(string fnID, string? since, LiveStats stats, IDataStore store, CancellationToken cancellationToken)
    {
        var after = Since(since);
        var fn = await store.GetFnAsync(fnID, cancellationToken) ?? throw new ApiException(ApiErrors.FnNotFound);
        return TypedResults.Json(stats.Read(fnID, fn.Memory, after), DashboardJsonContext.Default.StatsBody, ApiJson.ContentType);
    }

    private static long? Since(string? since) =>
        string.IsNullOrEmpty(since) ? null
        : long.TryParse(since, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s) ? s
        : throw new ApiException(InvalidSince);
}
