using System.Reflection;

namespace FnSharp.Server.Apis;

/// <summary><c>GET /</c> and <c>GET /version</c>: the server's version, as Fn answers them.</summary>
internal static class VersionApi
{
    private static readonly VersionBody Body = new(
        typeof(VersionApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0");

    public static IEndpointRouteBuilder MapVersionApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/", GetVersion).AllowAnonymous();
        routes.MapGet("/version", GetVersion).AllowAnonymous();
        return routes;
    }

    public static IResult GetVersion() => TypedResults.Json(Body, ApiJsonContext.Default.VersionBody);
}
