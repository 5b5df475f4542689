namespace FnSharp.Server.Auth;

/// <summary>
/// The checks a handler makes itself, for routes whose app is only known from the body or that list
/// several apps' resources (<see cref="AccessKind.SomeApp"/>).
/// </summary>
internal static class Access
{
    /// <summary>The request's caller: <see cref="Caller.Anonymous"/> when no rule ran (a public route).</summary>
    public static Caller CallerOf(HttpContext context) =>
        context.Features.Get<RequestAccess>()?.Caller ?? Caller.Anonymous;

    /// <summary>Refuses the request unless its key has <paramref name="role"/> on the app <paramref name="appId"/>.</summary>
    /// <exception cref="ApiException">403 naming the scope needed.</exception>
    public static void Demand(HttpContext context, string role, string appId)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!CallerOf(context).Allows(role, appId))
        {
            throw new ApiException(AuthErrors.MissingScope(KeyScopes.ForApp(role, appId)));
        }

        if (context.Features.Get<RequestAccess>() is { } access)
        {
            access.AppId = appId;
        }
    }

    /// <summary>Whether the request's key may read the app <paramref name="appId"/> and its fns, triggers and calls (a <c>deploy</c> scope on it, or <c>admin</c>).</summary>
    public static bool CanSee(HttpContext context, string appId) => CallerOf(context).Allows(KeyScopes.Deploy, appId);

    /// <summary>Whether the request's key sees every app (<c>admin</c>, or a server without keys), so that lists need no filtering.</summary>
    public static bool SeesAll(HttpContext context) => CallerOf(context).IsAdmin;
}
