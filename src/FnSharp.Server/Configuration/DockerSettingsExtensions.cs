using Microsoft.Extensions.Options;

namespace FnSharp.Server.Configuration;

/// <summary>Registers <see cref="DockerSettings"/>, read and checked at start-up.</summary>
internal static class DockerSettingsExtensions
{
    public static IServiceCollection AddDockerSettings(this IServiceCollection services)
    {
        services.AddSingleton<DockerSettingsSetup>();
        services.AddSingleton<IConfigureOptions<DockerSettings>>(sp => sp.GetRequiredService<DockerSettingsSetup>());
        services.AddSingleton<IValidateOptions<DockerSettings>>(sp => sp.GetRequiredService<DockerSettingsSetup>());
        services.AddOptions<DockerSettings>().ValidateOnStart();
        return services;
    }
}
