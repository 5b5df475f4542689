namespace FnSharp.Server.Auth;

/// <summary>
/// Declares a route's authorization rule (<see cref="RouteAccess"/>); a public route uses ASP.NET Core's
/// <c>.AllowAnonymous()</c>. Rules other than calls also record the changes they answer in the audit log.
/// </summary>
internal static class AccessConventions
{
    /// <summary>Only an <c>admin</c> key.</summary>
    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithRule(new RouteAccess(AccessKind.Admin));

    /// <summary>A key with <paramref name="role"/> (<c>deploy</c> or <c>invoke</c>) on the app that the route parameter <paramref name="parameter"/> leads to.</summary>
    public static TBuilder RequireAppScope<TBuilder>(this TBuilder builder, string role, AppFrom from, string parameter)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithRule(new RouteAccess(AccessKind.App, role, from, parameter));

    /// <summary>
    /// A key with <paramref name="role"/> on some app; the handler checks the app in the body with
    /// <see cref="Access.Demand"/>, or lists only what <see cref="Access.CanSee"/> allows.
    /// </summary>
    public static TBuilder RequireScopeOnSomeApp<TBuilder>(this TBuilder builder, string role)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithRule(new RouteAccess(AccessKind.SomeApp, role));

    /// <summary>No key, unless the HTTP trigger called carries <c>fnsharp.io/auth: "key"</c>.</summary>
    public static TBuilder RequireKeyWhenTriggerAsks<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithRule(new RouteAccess(AccessKind.HttpTrigger));

    private static TBuilder WithRule<TBuilder>(this TBuilder builder, RouteAccess rule)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(rule);
        if (!rule.IsCall)
        {
            builder.AddEndpointFilter(AuditEndpointFilter.Instance);
        }

        return builder;
    }
}
