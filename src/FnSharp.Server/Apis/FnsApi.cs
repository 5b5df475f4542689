using System.Text.Json;
using FnSharp.Core.Errors;
using FnSharp.Core.Ids;
using FnSharp.Core.Models;
using FnSharp.Core.Storage;
using FnSharp.Core.Validation;
using FnSharp.Server.Configuration;
using Microsoft.Extensions.Options;

namespace FnSharp.Server.Apis;

/// <summary><c>/v2/fns</c>: create, list and get fns (<c>fn-compat.md</c> section 2).</summary>
internal static class FnsApi
{
    /// <summary>The computed annotation Fn's CLI reads to find where to invoke a fn.</summary>
    public const string InvokeEndpointAnnotation = "fnproject.io/fn/invokeEndpoint";

    public static IEndpointRouteBuilder MapFnsApi(this IEndpointRouteBuilder routes)
    {
        var fns = routes.MapGroup("/v2/fns");
        fns.MapPost("", CreateFn);
        fns.MapGet("", ListFns);
        fns.MapGet("/{fnID}", GetFn);
        return routes;
    }

    public static async Task<IResult> CreateFn(HttpRequest request, IDataStore store, IdGenerator ids, TimeProvider time, IOptions<ServerOptions> options, CancellationToken cancellationToken)
    {
        var fn = await ApiJson.ReadAsync<Fn>(request, cancellationToken);
        if (fn.Id.Length > 0)
        {
            throw new ApiException(ApiErrors.IdProvided);
        }

        if (ModelValidator.ValidateFn(fn) is { } error)
        {
            throw new ApiException(error);
        }

        var app = await store.GetAppByIdAsync(fn.AppId, cancellationToken) ?? throw new ApiException(ApiErrors.AppNotFound);
        var now = time.GetUtcNow();
        var created = await store.InsertFnAsync(fn.WithDefaults() with { Id = ids.NewId(), Shape = app.Shape, CreatedAt = now, UpdatedAt = now }, cancellationToken);
        return TypedResults.Ok(WithEndpoint(created, request, options.Value));
    }

    public static async Task<IResult> ListFns(HttpRequest request, IDataStore store, IOptions<ServerOptions> options, string? cursor, int? per_page, string? app_id, string? name, CancellationToken cancellationToken)
    {
        var filter = new ListFilter { AfterName = Cursor.Decode(cursor), AppId = app_id, Name = name, PerPage = Cursor.PerPage(per_page) };
        var page = await store.GetFnsAsync(filter, cancellationToken);
        var items = page.Items.Select(fn => WithEndpoint(fn, request, options.Value)).ToList();
        return TypedResults.Ok(new ListBody<Fn>(items, page.Full ? Cursor.Encode(page.Items[^1].Name) : null));
    }

    public static async Task<IResult> GetFn(string fnID, HttpRequest request, IDataStore store, IOptions<ServerOptions> options, CancellationToken cancellationToken) =>
        await store.GetFnAsync(fnID, cancellationToken) is { } fn
            ? TypedResults.Ok(WithEndpoint(fn, request, options.Value))
            : throw new ApiException(ApiErrors.FnNotFound);

    /// <summary>Adds the computed invoke endpoint annotation; it is never stored.</summary>
    private static Fn WithEndpoint(Fn fn, HttpRequest request, ServerOptions options)
    {
        var baseUrl = options.PublicLbUrl?.TrimEnd('/') ?? $"{request.Scheme}://{request.Host}";
        var annotations = new Dictionary<string, JsonElement>(fn.Annotations)
        {
            [InvokeEndpointAnnotation] = JsonSerializer.SerializeToElement($"{baseUrl}/invoke/{fn.Id}"),
        };
        return fn with { Annotations = annotations };
    }
}
