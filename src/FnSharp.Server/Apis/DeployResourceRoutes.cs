namespace FnSharp.Server.Apis;

/// <summary>The routes of a resource that belongs to an app and is managed with a <c>deploy</c> key on that app (fns, triggers).</summary>
internal static class DeployResourceRoutes
{
    /// <summary>
    /// Maps <c>POST</c> and <c>GET</c> on <paramref name="prefix"/> (a <c>deploy</c> key on some app: the
    /// handlers check the app in the body, or list only what the key may see) and <c>GET</c>, <c>PUT</c> and
    /// <c>DELETE</c> on <c>prefix/{idParameter}</c> (a <c>deploy</c> key on the app the id leads to, by <paramref name="appFrom"/>).
    /// </summary>
    public static IEndpointRouteBuilder MapDeployResource(
        this IEndpointRouteBuilder routes, string prefix, string idParameter, AppFrom appFrom, Delegate create, Delegate list, Delegate get, Delegate update, Delegate delete)
    {
        var group = routes.MapGroup(prefix);
        var item = "/{" + idParameter + "}";
        group.MapPost("", create).RequireScopeOnSomeApp(KeyScopes.Deploy);
        group.MapGet("", list).RequireScopeOnSomeApp(KeyScopes.Deploy);
        group.MapGet(item, get).RequireAppScope(KeyScopes.Deploy, appFrom, idParameter);
        group.MapPut(item, update).RequireAppScope(KeyScopes.Deploy, appFrom, idParameter);
        group.MapDelete(item, delete).RequireAppScope(KeyScopes.Deploy, appFrom, idParameter);
        return routes;
    }
}
