namespace FnSharp.Server.Triggers;

/// <summary>How the trigger services (<see cref="CronScheduler"/>, <see cref="NatsTriggerListener"/>) find the store's ticks.</summary>
internal static class TriggerTickStores
{
    /// <summary>
    /// The store's <see cref="ITriggerTickStore"/>, resolved when a trigger service starts: the store opens when the
    /// server starts (<c>ServerLifetime</c>), after hosted services are built. <see langword="null"/>, after
    /// <paramref name="missing"/> logs why, when the store has none.
    /// </summary>
    public static ITriggerTickStore? Resolve(IServiceProvider services, Action<InvalidOperationException> missing)
    {
        try
        {
            return services.GetRequiredService<ITriggerTickStore>();
        }
        catch (InvalidOperationException e)
        {
            missing(e);
            return null;
        }
    }
}
