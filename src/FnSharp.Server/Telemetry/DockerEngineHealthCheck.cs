using FnSharp.Docker;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FnSharp.Server.Telemetry;

/// <summary>Ready when the Docker engine of <c>FN_DOCKER_HOST</c> answers <c>GET /_ping</c>; asked on every check, never cached.</summary>
internal sealed class DockerEngineHealthCheck(DockerDriver driver) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await driver.PingAsync(cancellationToken);
            return HealthCheckResult.Healthy("the Docker engine answers");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("the Docker engine does not answer: " + e.Message);
        }
    }
}
