using FnSharp.Server.Configuration;
using FnSharp.Server.Invocation;

namespace FnSharp.Server.Calls;

/// <summary>Registers detached calls: their settings, acceptance, worker and metrics.</summary>
internal static class AsyncCallsExtensions
{
    /// <summary>
    /// Registers <see cref="AsyncOptions"/> (checked at start-up), <see cref="DetachedCalls"/>,
    /// <see cref="AsyncCallMetrics"/> and <see cref="AsyncCallWorker"/> as a hosted service. Call it after
    /// the hosted service that opens the store: hosted services start in order and stop in reverse, so
    /// the worker starts on an open store and stops before the runner does.
    /// </summary>
    public static IServiceCollection AddAsyncCalls(this IServiceCollection services)
    {
        services.AddSettings(Settings.Detached);
        services.AddSingleton<AsyncCallMetrics>();
        services.AddSingleton<DetachedCalls>();
        services.AddSingleton<AsyncCallWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<AsyncCallWorker>());
        return services;
    }
}
