using Microsoft.Net.Http.Headers;

namespace FnSharp.Server.Dashboard;

/// <summary>
/// <c>/ui</c>: the web dashboard's files, served from the server's assembly on the API's port. The files
/// hold no data and need no key; the pages call the API, which does. <c>/ui</c> redirects to <c>/ui/</c>
/// so that the page's relative module paths resolve under it.
/// </summary>
internal static class DashboardApi
{
    /// <summary>Where the dashboard is served.</summary>
    public const string BasePath = "/ui";

    // The pages load only their own files and call only their own origin; uPlot styles its elements
    // through the DOM, which a style-src without 'unsafe-inline' allows.
    private const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

    private static readonly string[] s_methods = ["GET", "HEAD"];

    public static IEndpointRouteBuilder MapDashboardApi(this IEndpointRouteBuilder routes)
    {
        // The catch-all matches /ui too (routing ignores a trailing slash); GetAsset redirects it.
        routes.MapMethods(BasePath + "/{**path}", s_methods, GetAsset).AllowAnonymous();
        return routes;
    }

    /// <summary>
    /// A redirect to <c>/ui/</c> for <c>/ui</c>; 200 with the file at <paramref name="path"/> (<c>index.html</c> for the empty path), gzipped when
    /// the client accepts it, with an ETag and <c>Cache-Control: no-cache</c> (a revalidation answered 304
    /// costs no body, and a new server version is seen at once); 404 <c>Path not found</c> for no such file.
    /// </summary>
    public static IResult GetAsset(string? path, HttpContext context, DashboardAssets assets)
    {
        if (!context.Request.Path.HasValue || !context.Request.Path.Value.StartsWith(BasePath + "/", StringComparison.Ordinal))
        {
            return TypedResults.Redirect(context.Request.PathBase + BasePath + "/" + context.Request.QueryString);
        }

        if (assets.Find(string.IsNullOrEmpty(path) ? "index.html" : path) is not { } asset)
        {
            return TypedResults.NotFound();
        }

        var response = context.Response;
        var headers = response.Headers;
        headers.ETag = asset.ETag;
        headers.CacheControl = "no-cache";
        headers.Vary = HeaderNames.AcceptEncoding;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        if (context.Request.GetTypedHeaders().IfNoneMatch.Any(tag => tag.Tag.Equals(asset.ETag, StringComparison.Ordinal) || tag.Equals(EntityTagHeaderValue.Any)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        if (AcceptsGzip(context.Request))
        {
            headers.ContentEncoding = "gzip";
            return TypedResults.Bytes(asset.Gzipped, asset.ContentType);
        }

        return TypedResults.Bytes(asset.Content, asset.ContentType);
    }

    private static bool AcceptsGzip(HttpRequest request) =>
        request.GetTypedHeaders().AcceptEncoding.Any(e => e.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase) && e.Quality is not 0);
}
