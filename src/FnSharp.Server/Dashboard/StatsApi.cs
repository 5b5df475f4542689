using System.Globalization;
using FnSharp.Core.Errors;
using FnSharp.Core.Storage;
using FnSharp.Server.Apis;

namespace FnSharp.Server.Dashboard;

/// <summary>
/// <c>GET /v2/stats</c>: the node's live statistics, or one fn's with <c>?fn_id=</c>, for the dashboard's
/// live view (an FnSharp extension, <c>docs/api.md</c>, "Live statistics"). Prometheus reads <c>/metrics</c>;
/// this answer is made for a page that polls it once a second with <c>since</c>.
/// </summary>
internal static class StatsApi
{
    /// <summary>400: a <c>since</c> that is not a whole number of Unix seconds.</summary>
    public static readonly ApiError InvalidSince = new(400, "invalid since: use Unix seconds, such as the now of the last answer");

    public static IEndpointRouteBuilder MapStatsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v2/stats", GetStats);
        return routes;
    }

    /// <summary>
    /// 200 with <see cref="StatsBody"/>; <c>since</c> (Unix seconds) limits the series to the seconds after
    /// it. 400 for a bad <c>since</c>, 404 <c>Fn not found</c> for an unknown <c>fn_id</c>.
    /// </summary>
    public static async Task<IResult> GetStats(string? fn_id, string? since, LiveStats stats, IDataStore store, CancellationToken cancellationToken)
    {
        long? after = null;
        if (!string.IsNullOrEmpty(since))
        {
            after = long.TryParse(since, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s) ? s : throw new ApiException(InvalidSince);
        }

        var memory = 0L;
        if (!string.IsNullOrEmpty(fn_id))
        {
            var fn = await store.GetFnAsync(fn_id, cancellationToken) ?? throw new ApiException(ApiErrors.FnNotFound);
            memory = fn.Memory;
        }

        var body = stats.Read(string.IsNullOrEmpty(fn_id) ? null : fn_id, memory, after);
        return TypedResults.Json(body, DashboardJsonContext.Default.StatsBody, ApiJson.ContentType);
    }
}
