using FnSharp.Agent.Calls;
using FnSharp.Agent.Drivers;
using FnSharp.Agent.Runner;
using FnSharp.Core.Ids;
using FnSharp.Core.Storage;
using FnSharp.Docker;
using FnSharp.Server.Configuration;
using FnSharp.Storage.Sqlite;
using Microsoft.Extensions.Options;

namespace FnSharp.Server.Hosting;

/// <summary>Composes the FnSharp server: options, store, Docker driver, agent and their lifetimes.</summary>
public static class FnSharpServerExtensions
{
    /// <summary>Registers every service the server needs and makes Kestrel listen on <c>FN_PORT</c>.</summary>
    public static WebApplicationBuilder AddFnSharpServer(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSingleton<ServerOptionsSetup>();
        services.AddSingleton<IConfigureOptions<ServerOptions>>(sp => sp.GetRequiredService<ServerOptionsSetup>());
        services.AddSingleton<IValidateOptions<ServerOptions>>(sp => sp.GetRequiredService<ServerOptionsSetup>());
        services.AddOptions<ServerOptions>().ValidateOnStart();

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new IdGenerator(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<StoreHolder>();
        services.AddSingleton<IDataStore>(sp => sp.GetRequiredService<StoreHolder>().Store);
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ServerOptions>>().Value;
            return new DockerDriverOptions { Endpoint = options.DockerHost, HotStartTimeoutMs = options.HotStartTimeoutMs, Node = options.NodeName };
        });
        services.AddSingleton<DockerDriver>();
        services.AddSingleton<IContainerDriver>(sp => sp.GetRequiredService<DockerDriver>());
        services.AddSingleton<IConfigureOptions<AgentOptions>, AgentOptionsSetup>();
        services.AddSingleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>();
        services.AddOptions<AgentOptions>().ValidateOnStart();
        services.AddSingleton<RunnerAgent>();
        services.AddSingleton<IAgent>(sp => sp.GetRequiredService<RunnerAgent>());
        services.AddHostedService<ServerLifetime>();
        services.AddProblemDetails();

        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var port = context.Configuration.GetValue("FN_PORT", 8080);
            kestrel.ListenAnyIP(port is >= 1 and <= 65535 ? port : 8080);
        });
        return builder;
    }
}
