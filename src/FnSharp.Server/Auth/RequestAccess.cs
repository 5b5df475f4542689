namespace FnSharp.Server.Auth;

/// <summary>
/// What <see cref="AuthMiddleware"/> found out about a request, kept in its features for the handler,
/// the rate limiter and the audit log.
/// </summary>
internal sealed class RequestAccess(Caller caller, RouteAccess rule)
{
    /// <summary>Who made the request: <see cref="Caller.Anonymous"/> until a key is authenticated.</summary>
    public Caller Caller { get; set; } = caller;

    /// <summary>The route's rule.</summary>
    public RouteAccess Rule { get; } = rule;

    /// <summary>The app the request concerns, when the rule led to one.</summary>
    public string? AppId { get; set; }

    /// <summary>For a call: the fn's app, whose annotations may set its rate limit.</summary>
    public App? App { get; set; }

    /// <summary>The resource created, changed or removed, for the audit log (set by <see cref="AuditEndpointFilter"/>).</summary>
    public string? ResourceId { get; set; }
}
