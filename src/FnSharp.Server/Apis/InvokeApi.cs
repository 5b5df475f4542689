using FnSharp.Server.Invocation;

namespace FnSharp.Server.Apis;

/// <summary><c>POST /invoke/{fnID}</c>: runs a call of a fn by id and streams its answer back (<c>fn-compat.md</c> section 3).</summary>
internal static class InvokeApi
{
    public static IEndpointRouteBuilder MapInvokeApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/invoke/{fnID}", InvokeFn).RequireAppScope(KeyScopes.Invoke, AppFrom.FnId, "fnID");
        return routes;
    }

    public static Task InvokeFn(string fnID, HttpContext context, IDataStore store, CallServer calls) =>
        calls.ServeAsync(
            context,
            async cancellationToken =>
            {
                var fn = await store.GetFnAsync(fnID, cancellationToken) ?? throw new ApiException(ApiErrors.FnNotFound);
                var app = await store.GetAppByIdAsync(fn.AppId, cancellationToken) ?? throw new ApiException(ApiErrors.AppNotFound);
                return new CallServer.Target(app, fn);
            },
            trigger: false);
}
