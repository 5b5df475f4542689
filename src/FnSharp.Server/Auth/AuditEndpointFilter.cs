namespace FnSharp.Server.Auth;

/// <summary>
/// Records each change a route answers with success (any method but GET, HEAD and OPTIONS) in the audit
/// log, with the resource its result carries or its route names. Added to every route with a rule other
/// than a call (<see cref="AccessConventions"/>), so calls never pay for it.
/// </summary>
internal sealed class AuditEndpointFilter : IEndpointFilter
{
    /// <summary>The one instance: the filter holds no state.</summary>
    public static readonly AuditEndpointFilter Instance = new();

    // The route parameters that name a resource, the most specific first.
    private static readonly string[] ResourceParameters = ["keyID", "callID", "triggerID", "fnID", "appID"];

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var result = await next(context);
        var http = context.HttpContext;
        var method = http.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method))
        {
            return result;
        }

        var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : http.Response.StatusCode;
        if (status is < 200 or > 299)
        {
            return result;
        }

        var (resourceId, appId) = (result as IValueHttpResult)?.Value switch
        {
            App app => (app.Id, app.Id),
            Fn fn => (fn.Id, fn.AppId),
            Trigger trigger => (trigger.Id, trigger.AppId),
            Call call => (call.Id, call.AppId),
            ApiKey key => (key.Id, null),
            _ => (ResourceParameters.Select(p => http.Request.RouteValues[p] as string).FirstOrDefault(v => v is not null), null as string),
        };
        var access = http.Features.Get<RequestAccess>();
        await http.RequestServices.GetRequiredService<AuditLog>().RecordAsync(http, status, resourceId, appId ?? access?.AppId ?? http.Request.RouteValues["appID"] as string);
        return result;
    }
}
