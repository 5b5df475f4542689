using FnSharp.Core.Storage;
using FnSharp.Server.Configuration;
using FnSharp.Server.Hosting;

namespace FnSharp.Server.Triggers;

/// <summary>Registers cron and NATS triggers: their settings and the scheduler.</summary>
internal static class TriggersExtensions
{
    /// <summary>
    /// Registers <see cref="TriggerOptions"/> (checked at start-up), the store's <see cref="ITriggerTickStore"/>, and <see cref="CronScheduler"/> and
    /// <see cref="NatsTriggerListener"/> as hosted services. Call it after <c>AddDetachedCalls</c>: both queue detached calls and wake their
    /// worker, and stop before it.
    /// </summary>
    public static IServiceCollection AddTriggers(this IServiceCollection services)
    {
        services.AddSettings(Settings.Triggers);

        // Resolved only once the store is open (ServerLifetime opens it before the hosted services run).
        services.AddSingleton(sp => sp.GetRequiredService<StoreHolder>().Store as ITriggerTickStore ?? throw new InvalidOperationException("The datastore keeps no cron ticks."));
        services.AddSingleton<CronScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<CronScheduler>());
        services.AddSingleton<NatsTriggerListener>();
        services.AddHostedService(sp => sp.GetRequiredService<NatsTriggerListener>());
        return services;
    }
}
