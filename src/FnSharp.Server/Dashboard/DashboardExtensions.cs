using System.Diagnostics.Metrics;
using FnSharp.Agent.Runner;

namespace FnSharp.Server.Dashboard;

/// <summary>The web dashboard at <c>/ui</c> and the live statistics behind it (<c>docs/dashboard.md</c>).</summary>
public static class DashboardExtensions
{
    /// <summary>Registers the dashboard's files and the live statistics, which start with the host.</summary>
    public static WebApplicationBuilder AddFnSharpDashboard(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSingleton<DashboardAssets>();
        // Nothing is resolved until the first sample or answer: reading the options while the host
        // resolves its hosted services would throw a bad setting from there, before the host could
        // report it (and stop) as a start-up failure.
        services.AddHostedSingleton(sp => new LiveStats(
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<IMeterFactory>(),
            () =>
            {
                var agent = sp.GetRequiredService<RunnerAgent>();
                return new NodeGauges(agent.Stats(), agent.ReservedMemoryMiB, agent.TotalMemoryMiB);
            },
            () => sp.GetRequiredService<IOptions<ServerOptions>>().Value.NodeName,
            sp.GetRequiredService<ILogger<LiveStats>>()));
        return builder;
    }

    /// <summary>Maps <c>/ui</c> and <c>GET /v2/stats</c>.</summary>
    public static WebApplication MapFnSharpDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapDashboardApi();
        app.MapStatsApi();
        return app;
    }
}
