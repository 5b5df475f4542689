using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace FnSharp.Server.Edge;

/// <summary>
/// What every request meets before its route: Kestrel's limits (<see cref="KestrelLimitsSetup"/>), its
/// refusals answered with JSON (<see cref="KestrelRejections"/>), <c>Expect</c> checked and the body
/// held to its pace (<see cref="RequestBodyGuard"/>).
/// </summary>
internal static class EdgeExtensions
{
    /// <summary>Registers Kestrel's limits and the listener of its refusals.</summary>
    public static IServiceCollection AddFnSharpEdge(this IServiceCollection services)
    {
        services.AddSingleton<IConfigureOptions<KestrelServerOptions>, KestrelLimitsSetup>();
        services.AddHostedService<KestrelRejections>();
        return services;
    }

    /// <summary>
    /// Answers 417 to an <c>Expect</c> other than <c>100-continue</c> (which Kestrel handles), so that no
    /// route, and no function, sees an expectation nobody meets; and puts every body that can have one
    /// behind a <see cref="RequestBodyGuard"/>.
    /// </summary>
    public static IApplicationBuilder UseFnSharpEdge(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var settings = app.ApplicationServices.GetRequiredService<IOptions<ServerOptions>>();
        var time = app.ApplicationServices.GetRequiredService<TimeProvider>();
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RequestBodyGuard).FullName!);
        return app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (request.Headers.Expect is { Count: > 0 } expect && !string.Equals(expect.ToString(), "100-continue", StringComparison.OrdinalIgnoreCase))
            {
                await ApiJson.WriteErrorAsync(context.Response, EdgeErrors.UnsupportedExpectation(expect.ToString()));
                return;
            }

            if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is not { CanHaveBody: false })
            {
                var options = settings.Value;
                var guard = new RequestBodyGuard(
                    request.BodyReader,
                    TimeSpan.FromMilliseconds(options.RequestBodyTimeoutMs),
                    EdgeErrors.BodyBytesPerWindow(options),
                    EdgeErrors.BodyTooSlow(options),
                    time,
                    () => EdgeLog.BodyTooSlow(logger, request.Method, request.Path, context.Connection.RemoteIpAddress?.ToString() ?? "?", options.RequestBodyTimeoutMs));
                context.Response.RegisterForDispose(guard);
                request.Body = guard;
            }

            await next(context);
        });
    }
}
