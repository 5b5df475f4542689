namespace FnSharp.Server.Configuration;

/// <summary>Registers options bound from <see cref="Settings"/>.</summary>
internal static class SettingsExtensions
{
    /// <summary>Registers <typeparamref name="TOptions"/>, bound from the host's configuration by <paramref name="settings"/> and checked at start-up.</summary>
    public static IServiceCollection AddSettings<TOptions>(this IServiceCollection services, SettingGroup<TOptions> settings)
        where TOptions : class, new()
    {
        services.AddSingleton(sp => new SettingsBinder<TOptions>(sp.GetRequiredService<IConfiguration>(), settings));
        services.AddSingleton<IConfigureOptions<TOptions>>(sp => sp.GetRequiredService<SettingsBinder<TOptions>>());
        services.AddSingleton<IValidateOptions<TOptions>>(sp => sp.GetRequiredService<SettingsBinder<TOptions>>());
        services.AddOptions<TOptions>().ValidateOnStart();
        return services;
    }
}
