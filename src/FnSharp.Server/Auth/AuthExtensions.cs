namespace FnSharp.Server.Auth;

/// <summary>Composes authentication, authorization, rate limits, allowed images and the audit log.</summary>
public static class AuthExtensions
{
    /// <summary>
    /// Registers <see cref="AuthOptions"/> (checked at start-up), the key checks, the rate limiter, the
    /// audit log and its pruner, and the start-up check; call after <c>AddFnSharpServer</c>, whose store
    /// must be open before the start-up check reads it.
    /// </summary>
    public static WebApplicationBuilder AddFnSharpAuth(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSettings(Settings.Auth);
        services.AddSingleton<AuthStore>();
        services.AddSingleton<AccessGate>();
        services.AddSingleton<KeyService>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<ImagePolicy>();
        services.AddFnSharpRateLimits();
        services.AddSingleton<IStartupCheck, AuthStartup>();
        services.AddHostedSingleton<AuditPruner>();
        return builder;
    }

    /// <summary>Adds the checks of each route's rule, then the rate limiter (which counts per key and per app, so after them).</summary>
    public static WebApplication UseFnSharpAuth(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<AuthMiddleware>();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>Maps <c>/v2/keys</c> and <c>/v2/audit</c>.</summary>
    public static WebApplication MapFnSharpAuthApis(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapKeysApi();
        app.MapAuditApi();
        return app;
    }
}
