using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using FnSharp.Agent.Calls;
using FnSharp.Agent.Drivers;
using FnSharp.Agent.Runner;
using FnSharp.Core.Ids;
using FnSharp.Core.Json;
using FnSharp.Docker;
using FnSharp.Docker.Runc;
using FnSharp.Server.Calls;
using FnSharp.Server.Cluster;
using FnSharp.Server.Detached;
using FnSharp.Server.Edge;
using FnSharp.Server.Invocation;
using FnSharp.Server.Triggers;

namespace FnSharp.Server.Hosting;

/// <summary>Composes the FnSharp server: options, store, container driver (Docker, or runc with <c>FN_DRIVER=runc</c>), agent and their lifetimes.</summary>
public static class FnSharpServerExtensions
{
    /// <summary>Registers every service the server needs and makes Kestrel listen on <c>FN_LISTEN_ADDRESS</c> and <c>FN_PORT</c>.</summary>
    public static WebApplicationBuilder AddFnSharpServer(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSettings(Settings.Server);
        services.AddSettings(Settings.Docker);
        services.AddSettings(Settings.Runc);
        services.AddSettings(Settings.Agent);

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new IdGenerator(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<StoreHolder>();
        services.AddSingleton<IDataStore>(sp => new CachingDataStore(
            sp.GetRequiredService<StoreHolder>().Store,
            sp.GetRequiredService<TimeProvider>(),
            TimeSpan.FromMilliseconds(sp.GetRequiredService<IOptions<ServerOptions>>().Value.LookupCacheMs)));

        // Calls live in the same store as apps and fns; resolvable before the store opens (hosted services need it).
        services.AddSingleton<ICallStore>(sp => new DeferredCallStore(sp.GetRequiredService<StoreHolder>()));
        services.AddSingleton<CallExecutor>();
        services.AddSingleton<CallServer>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<DockerDriverOptions>>().Value);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<RuncDriverOptions>>().Value);
        services.AddSingleton<DockerDriver>();
        services.AddSingleton<RuncDriver>();
        services.AddSingleton<IContainerDriver>(sp => sp.GetRequiredService<RuncDriverOptions>().Driver == ContainerDriverKind.Runc
            ? sp.GetRequiredService<RuncDriver>()
            : sp.GetRequiredService<DockerDriver>());
        // The warnings first, so that they are said even when a later check refuses the start.
        services.AddSingleton<IStartupCheck, FnOnlySettingsStartup>();
        services.AddSingleton<IStartupCheck, SocketDirectoryStartup>();
        services.AddSingleton<IStartupCheck, NodeLockStartup>();
        services.AddSingleton<RunnerAgent>();
        services.AddSingleton<IAgent>(sp => sp.GetRequiredService<RunnerAgent>());

        // Registered before ServerLifetime: hosted services stop in reverse order, so the recorder still
        // writes the records of calls that end while the runner shuts down. Neither uses the store before
        // ServerLifetime has opened it (the first record can only come from a request).
        services.AddSingleton<CallRecordMetrics>();
        services.AddHostedSingleton<CallRecorder>();
        services.AddHostedSingleton<CallPruner>();
        services.AddHostedSingleton<ImageCleanup>();
        services.AddHostedService<ServerLifetime>();

        // After ServerLifetime, which opens the store it reads at start.
        services.AddSingleton<MinHotKeeper>();
        services.AddHostedService(sp => sp.GetRequiredService<MinHotKeeper>());
        services.AddDetachedCalls();
        services.AddFnSharpEdge();
        services.AddCluster();
        services.AddTriggers();
        services.AddProblemDetails();

        // A route parameter that does not bind (per_page=abc) throws, so that ErrorHandling answers with what it takes (ParameterErrors) instead of a bare 400.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

        // A JSON null for a field that cannot be null is a bad body (400 Invalid JSON), except in an app, fn or trigger, where
        // it reads as the field left out, as in Fn (GoJsonConventions).
        // A number sent as a string ("memory": "128") is a bad body too, as Go's decoding into Fn's uint64 and int32 refuses it;
        // ASP.NET Core's web defaults would read it as the number.
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.RespectNullableAnnotations = true;
            json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;

            // Apps, fns and triggers written as Fn's Go server writes them: empty config, annotations and shape left out
            // (omitempty), map keys sorted; and read as it reads them: a null field as one left out.
            json.SerializerOptions.TypeInfoResolver = (json.SerializerOptions.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver())
                .WithAddedModifier(GoJsonConventions.Apply);
        });

        // A default address only: a host that configures its own endpoints (a test on port 0) wins.
        // The host logs its own start-up failure with a stack trace; RunFnSharpAsync reports the
        // expected ones (bad settings, a port in use) in one plain line instead.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

        // A bad FN_PORT or FN_LISTEN_ADDRESS keeps its default here, a placeholder: the settings' validation at start reports it.
        var (server, _) = Settings.Server.Read(builder.Configuration);
        builder.WebHost.UseUrls(server.ListenUrl);
        return builder;
    }
}
