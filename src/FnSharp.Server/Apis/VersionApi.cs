using System.Reflection;

namespace FnSharp.Server.Apis;

/// <summary><c>GET /</c> and <c>GET /version</c>: the server's version, as Fn answers them.</summary>
internal static class VersionApi
{
    /// <summary>The server's version (its assembly's informational version without the commit), as <c>GET /version</c> answers it.</summary>
    public static string Text { get; } =
        typeof(VersionApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    // After Text: static initializers run in the order written.
    private static readonly VersionBody Body = new(Text);

    public static IEndpointRouteBuilder MapVersionApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/", GetVersion).AllowAnonymous();
        routes.MapGet("/version", GetVersion).AllowAnonymous();
        return routes;
    }

    public static IResult GetVersion() => TypedResults.Json(Body, ApiJsonContext.Default.VersionBody);
}
