using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FnSharp.Server.Telemetry;

/// <summary>Ready when the datastore answers a one-row list of apps (not through the invoke path's cache).</summary>
internal sealed class StoreHealthCheck(StoreHolder store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.Store.GetAppsAsync(new ListFilter { PerPage = 1 }, cancellationToken);
            return HealthCheckResult.Healthy("the datastore answers");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("the datastore does not answer: " + e.Message);
        }
    }
}
