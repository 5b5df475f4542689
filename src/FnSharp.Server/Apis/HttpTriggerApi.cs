using FnSharp.Server.Invocation;

namespace FnSharp.Server.Apis;

/// <summary>
/// <c>ANY /t/{appName}/{source...}</c>: HTTP triggers (<c>fn-compat.md</c> sections 2 and 3). The
/// source after the app's name is matched exactly against the app's <c>http</c> triggers (an empty
/// one is <c>/</c>); the call's headers are rewritten to <c>Fn-Http-H-*</c> and back.
/// </summary>
internal static class HttpTriggerApi
{
    public static IEndpointRouteBuilder MapHttpTriggerApi(this IEndpointRouteBuilder routes)
    {
        routes.Map("/t/{appName}", (string appName, HttpContext context, IDataStore store, CallServer calls) => InvokeTrigger(appName, null, context, store, calls))
            .RequireKeyWhenTriggerAsks();
        routes.Map("/t/{appName}/{**source}", InvokeTrigger).RequireKeyWhenTriggerAsks();
        return routes;
    }

    public static Task InvokeTrigger(string appName, string? source, HttpContext context, IDataStore store, CallServer calls) =>
        calls.ServeAsync(
            context,
            async cancellationToken =>
            {
                var app = await store.GetAppByNameAsync(appName, cancellationToken) ?? throw new ApiException(ApiErrors.AppNotFound);
                var trigger = await store.GetTriggerBySourceAsync(app.Id, "http", "/" + (source ?? ""), cancellationToken)
                    ?? throw new ApiException(ApiErrors.TriggerNotFound);
                var fn = await store.GetFnAsync(trigger.FnId, cancellationToken) ?? throw new ApiException(ApiErrors.FnNotFound);
                return new CallServer.Target(app, fn, trigger);
            },
            trigger: true);
}
