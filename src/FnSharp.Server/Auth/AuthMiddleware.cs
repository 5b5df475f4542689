using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Net.Http.Headers;

namespace FnSharp.Server.Auth;

/// <summary>
/// Applies each route's <see cref="RouteAccess"/> rule after routing: authenticates the bearer token when
/// the rule needs one (401 with <c>WWW-Authenticate: Bearer</c>), finds the app the route concerns through
/// the invoke path's cached lookups, and refuses a key without the scope needed (403 naming it). A route
/// with no rule is refused (500). For calls it also finds the app whatever the state, for its rate limit,
/// and removes the <c>Authorization</c> header it consumed, so that the function never sees the caller's key.
/// What it found is left in <see cref="RequestAccess"/>.
/// </summary>
internal sealed partial class AuthMiddleware(RequestDelegate next, AccessGate gate, IDataStore store, ILogger<AuthMiddleware> logger)
{
    private const string Realm = "Bearer realm=\"fnsharp\"";

    public async Task InvokeAsync(HttpContext context)
    {
        // Other endpoints are the framework's own answers (405 for a known path with another method).
        if (context.GetEndpoint() is not RouteEndpoint endpoint)
        {
            await next(context);
            return;
        }

        var rule = endpoint.Metadata.GetMetadata<RouteAccess>();
        if (rule is null)
        {
            if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            {
                await next(context);
                return;
            }

            LogNoRule(logger, context.Request.Method, endpoint.RoutePattern.RawText ?? endpoint.DisplayName ?? "?");
            await ApiJson.WriteErrorAsync(context.Response, AuthErrors.NoRule);
            return;
        }

        var cancellationToken = context.RequestAborted;
        var state = await gate.StateAsync(cancellationToken);
        if (state == AccessState.OpenOnLoopback && context.Connection.LocalIpAddress is { } local && !IPAddress.IsLoopback(local))
        {
            LogOpenRefused(logger, context.Request.Method, context.Request.Path, local.ToString());
            await RefuseAsync(context, AuthErrors.OpenOnLoopbackOnly, Realm);
            return;
        }

        var keysRequired = state == AccessState.KeysRequired;
        var access = new RequestAccess(Caller.Anonymous, rule);
        var error = rule.Kind switch
        {
            AccessKind.HttpTrigger => await CheckTriggerAsync(context, access, keysRequired, cancellationToken),
            _ when !keysRequired => await FindAppAsync(context, access, cancellationToken),
            _ => await CheckKeyAsync(context, access, cancellationToken),
        };
        if (error is not null)
        {
            await RefuseAsync(context, error.Value.Error, error.Value.Challenge);
            return;
        }

        context.Features.Set(access);
        await next(context);
    }

    private async Task<(ApiError Error, string Challenge)?> CheckKeyAsync(HttpContext context, RequestAccess access, CancellationToken cancellationToken)
    {
        var authenticated = await AuthenticateAsync(context, cancellationToken);
        if (authenticated.Error is not null)
        {
            return authenticated.Error;
        }

        var caller = access.Caller = authenticated.Caller!;
        var rule = access.Rule;
        switch (rule.Kind)
        {
            case AccessKind.Admin when !caller.IsAdmin:
                return Forbidden(context, caller, KeyScopes.Admin);
            case AccessKind.SomeApp when !caller.HasRole(rule.Role!):
                return (AuthErrors.MissingRole(rule.Role!), InsufficientScope(rule.Role + ":<app id>"));
            case AccessKind.App:
                await FindAppAsync(context, access, cancellationToken);

                // A resource that does not exist is the handler's 404, whoever asks.
                if (access.AppId is { } appId && !caller.Allows(rule.Role!, appId))
                {
                    return Forbidden(context, caller, KeyScopes.ForApp(rule.Role!, appId));
                }

                break;
        }

        if (rule.IsCall)
        {
            context.Request.Headers.Remove(HeaderNames.Authorization);
        }

        return null;
    }

    private async Task<(ApiError Error, string Challenge)?> CheckTriggerAsync(HttpContext context, RequestAccess access, bool keysRequired, CancellationToken cancellationToken)
    {
        var routeValues = context.Request.RouteValues;
        if (routeValues["appName"] is not string appName || await store.GetAppByNameAsync(appName, cancellationToken) is not { } app)
        {
            return null;
        }

        access.App = app;
        access.AppId = app.Id;
        var source = "/" + (routeValues["source"] as string ?? "");
        var trigger = await store.GetTriggerBySourceAsync(app.Id, "http", source, cancellationToken);
        if (!keysRequired || trigger is null || !FnSharpAnnotations.RequiresKey(trigger.Annotations))
        {
            // A public trigger: the client's Authorization header is the function's business.
            return null;
        }

        var authenticated = await AuthenticateAsync(context, cancellationToken);
        if (authenticated.Error is not null)
        {
            return authenticated.Error;
        }

        var caller = access.Caller = authenticated.Caller!;
        if (!caller.Allows(KeyScopes.Invoke, app.Id))
        {
            return Forbidden(context, caller, KeyScopes.ForApp(KeyScopes.Invoke, app.Id));
        }

        context.Request.Headers.Remove(HeaderNames.Authorization);
        return null;
    }

    /// <summary>Finds the app of an <see cref="AccessKind.App"/> rule (and, for a call, the app itself); leaves it unset when the resource does not exist.</summary>
    private async Task<(ApiError Error, string Challenge)?> FindAppAsync(HttpContext context, RequestAccess access, CancellationToken cancellationToken)
    {
        var rule = access.Rule;
        if (rule.Kind != AccessKind.App || context.Request.RouteValues[rule.Parameter!] is not string value)
        {
            return null;
        }

        access.AppId = rule.From switch
        {
            AppFrom.AppId => value,
            AppFrom.FnId => (await store.GetFnAsync(value, cancellationToken))?.AppId,
            _ => (await store.GetTriggerAsync(value, cancellationToken))?.AppId,
        };
        if (rule.IsCall && access.AppId is { } appId)
        {
            access.App = await store.GetAppByIdAsync(appId, cancellationToken);
        }

        return null;
    }

    private async Task<(Caller? Caller, (ApiError, string)? Error)> AuthenticateAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var header = context.Request.Headers.Authorization;
        if (header.Count == 0 || string.IsNullOrWhiteSpace(header[0]))
        {
            return (null, (AuthErrors.MissingKey, Realm));
        }

        // RFC 6750: the scheme is case-insensitive; Fn's CLI sends exactly "Bearer <token>".
        var value = header.Count == 1 ? header[0]! : "";
        if (!value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return (null, (AuthErrors.NotBearer, Realm));
        }

        var (caller, error) = await gate.AuthenticateAsync(value["Bearer ".Length..].Trim(), cancellationToken);
        if (error is not null)
        {
            LogUnauthenticated(logger, context.Request.Method, context.Request.Path, error.Message, context.Connection.RemoteIpAddress?.ToString());
            return (null, (error, Realm + ", error=\"invalid_token\""));
        }

        return (caller, null);
    }

    private (ApiError, string) Forbidden(HttpContext context, Caller caller, string scope)
    {
        LogForbidden(logger, context.Request.Method, context.Request.Path, caller.KeyId ?? "-", scope);
        return (AuthErrors.MissingScope(scope), InsufficientScope(scope));
    }

    private static string InsufficientScope(string scope) => $"{Realm}, error=\"insufficient_scope\", scope=\"{scope}\"";

    private static Task RefuseAsync(HttpContext context, ApiError error, string challenge)
    {
        context.Response.Headers.WWWAuthenticate = challenge;
        return ApiJson.WriteErrorAsync(context.Response, error);
    }

    // Event ids 1700-1799 belong to auth: 1700-1719 to the checks of requests.
    [LoggerMessage(1700, LogLevel.Error, "{Method} {Route} has no authorization rule and was refused: declare one with RequireAdmin, RequireAppScope, RequireScopeOnSomeApp or AllowAnonymous")]
    private static partial void LogNoRule(ILogger logger, string method, string route);

    [LoggerMessage(1701, LogLevel.Information, "{Method} {Path} refused with 401: {Reason} (client {RemoteAddress})")]
    private static partial void LogUnauthenticated(ILogger logger, string method, string path, string reason, string? remoteAddress);

    [LoggerMessage(1702, LogLevel.Information, "{Method} {Path} refused with 403: key {KeyId} lacks the scope {Scope}")]
    private static partial void LogForbidden(ILogger logger, string method, string path, string keyId, string scope);

    [LoggerMessage(1703, LogLevel.Warning, "{Method} {Path} refused with 401: the server has no API key and serves only loopback, but this connection came to {LocalAddress}")]
    private static partial void LogOpenRefused(ILogger logger, string method, string path, string localAddress);
}
