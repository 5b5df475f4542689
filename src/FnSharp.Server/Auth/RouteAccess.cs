namespace FnSharp.Server.Auth;

/// <summary>
/// The authorization rule of one route, as endpoint metadata declared with <see cref="AccessConventions"/>.
/// Every route carries one, or ASP.NET Core's <c>IAllowAnonymous</c> (<c>.AllowAnonymous()</c>) for a public
/// one; <see cref="AuthMiddleware"/> refuses a route with neither (500), and a test enumerates the app's
/// endpoints to fail on any such route.
/// </summary>
/// <param name="Kind">What the rule asks for.</param>
/// <param name="Role">For <see cref="AccessKind.App"/> and <see cref="AccessKind.SomeApp"/>: <c>deploy</c> or <c>invoke</c>.</param>
/// <param name="From">For <see cref="AccessKind.App"/>: what the route parameter is.</param>
/// <param name="Parameter">For <see cref="AccessKind.App"/>: the route parameter's name.</param>
internal sealed record RouteAccess(AccessKind Kind, string? Role = null, AppFrom From = AppFrom.AppId, string? Parameter = null)
{
    /// <summary>Whether the route runs a call of a fn (<c>/invoke</c>, <c>/t</c>): counted by the app's rate limit, not audited, and its key kept from the function.</summary>
    public bool IsCall => Kind == AccessKind.HttpTrigger || (Kind == AccessKind.App && Role == Core.Models.KeyScopes.Invoke);

    /// <summary>What the rule asks for, for people: <c>admin</c>, <c>deploy</c>, <c>invoke</c>.</summary>
    public override string ToString() => Kind == AccessKind.Admin ? "admin" : Kind == AccessKind.HttpTrigger ? "public unless the trigger asks for a key" : $"{Role} ({Kind} {From} {Parameter})";
}
