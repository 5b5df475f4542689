namespace FnSharp.Server.Hosting;

/// <summary>Registers a background service that other services (and tests) also resolve.</summary>
internal static class HostedSingletonExtensions
{
    /// <summary>Registers <typeparamref name="TService"/> as a singleton and that same instance as a hosted service.</summary>
    public static IServiceCollection AddHostedSingleton<TService>(this IServiceCollection services)
        where TService : class, IHostedService
    {
        services.AddSingleton<TService>();
        return services.AddHostedService(sp => sp.GetRequiredService<TService>());
    }

    /// <summary>Registers the singleton <paramref name="create"/> makes, and that same instance as a hosted service.</summary>
    public static IServiceCollection AddHostedSingleton<TService>(this IServiceCollection services, Func<IServiceProvider, TService> create)
        where TService : class, IHostedService
    {
        services.AddSingleton(create);
        return services.AddHostedService(sp => sp.GetRequiredService<TService>());
    }
}
