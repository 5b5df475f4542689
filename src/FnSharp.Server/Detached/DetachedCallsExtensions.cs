namespace FnSharp.Server.Detached;

/// <summary>Registers detached calls: their settings, acceptance, worker and metrics.</summary>
internal static class DetachedCallsExtensions
{
    /// <summary>
    /// Registers <see cref="DetachedCallOptions"/> (checked at start-up), <see cref="DetachedCallAcceptor"/>, <see cref="DetachedDestinations"/>,
    /// <see cref="DetachedCallMetrics"/> and <see cref="DetachedCallWorker"/> as a hosted service. Call it after
    /// the hosted service that opens the store: hosted services start in order and stop in reverse, so
    /// the worker starts on an open store and stops before the runner does.
    /// </summary>
    public static IServiceCollection AddDetachedCalls(this IServiceCollection services)
    {
        services.AddSettings(Settings.Detached);
        services.AddSingleton<DetachedCallMetrics>();
        services.AddSingleton<DetachedCallAcceptor>();
        services.AddSingleton<DetachedDestinations>();
        services.AddSingleton<DetachedCallWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<DetachedCallWorker>());
        return services;
    }
}
