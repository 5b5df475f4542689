namespace FnSharp.Server.Cluster;

/// <summary>Registers cluster mode: membership by heartbeat and, on PostgreSQL, cache invalidation by the store's change notifications.</summary>
internal static class ClusterExtensions
{
    /// <summary>
    /// Registers <see cref="ClusterOptions"/> (checked at start-up), <see cref="INodeStore"/> (the opened
    /// store), <see cref="NodeHeartbeat"/> and <see cref="StoreChangeListener"/> as hosted services. Call it
    /// after the hosted service that opens the store: hosted services start in order, so both start on an
    /// open store, and the heartbeat's row is removed before the runner stops.
    /// </summary>
    public static IServiceCollection AddCluster(this IServiceCollection services)
    {
        services.AddSettings(Settings.Cluster);

        // Resolved by the first request, after the store opened.
        services.AddSingleton(sp => sp.GetRequiredService<StoreHolder>().Store as INodeStore
            ?? throw new InvalidOperationException("The datastore does not keep node membership."));
        services.AddSingleton<NodeHeartbeat>();
        services.AddHostedService(sp => sp.GetRequiredService<NodeHeartbeat>());
        services.AddSingleton<StoreChangeListener>();
        services.AddHostedService(sp => sp.GetRequiredService<StoreChangeListener>());
        return services;
    }
}
