using FnSharp.Core.Storage;
using FnSharp.Server.Configuration;
using FnSharp.Server.Hosting;

namespace FnSharp.Server.Triggers;

/// <summary>Registers cron and NATS triggers: their settings and the scheduler.</summary>
internal static class TriggersExtensions
{
    /// <summary>
    /// Registers <see cref="TriggerOptions"/> (checked at start-up), the store's <see cref="ITriggerTickStore"/>, and <see cref="CronScheduler"/> as a
    /// hosted service. Call it after <c>AddDetachedCalls</c>: the scheduler queues detached calls and
    /// wakes their worker, and stops before it.
    /// </summary>
    public static IServiceCollection AddTriggers(this IServiceCollection services)
    {
        services.AddSettings(Settings.Triggers);

        // Resolved only once the store is open (ServerLifetime opens it before the hosted services run).
        services.AddSingleton(sp => sp.GetRequiredService<StoreHolder>().Store as ITriggerTickStore ?? throw new InvalidOperationException("The datastore keeps no cron ticks."));
        services.AddSingleton<CronScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<CronScheduler>());
        return services;
    }
}
