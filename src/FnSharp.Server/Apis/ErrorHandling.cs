using FnSharp.Agent.Protocol;
using FnSharp.Server.Edge;
using Microsoft.AspNetCore.Diagnostics;

namespace FnSharp.Server.Apis;

/// <summary>
/// Turns every failure into Fn's JSON error body: <see cref="ApiException"/>s into their error,
/// unknown paths into 404 <c>Path not found</c>, wrong methods into 405 <c>Method not allowed</c>,
/// and anything unexpected into 500 <c>internal server error</c>, logged but never shown; a call's
/// <c>Fn-Call-Id</c> stays on its error.
/// </summary>
internal static partial class ErrorHandling
{
    private const string CallIdItem = "FnSharp.CallId";

    public static WebApplication UseFnSharpErrors(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = HandleExceptionAsync,
            StatusCodeSelector = _ => 500,

            // An API error (a 404, a 400 with its message) is an answer, not a failure: no error line with a stack trace.
            SuppressDiagnosticsCallback = context => IsExpected(context.Exception),
        });
        app.UseStatusCodePages(context => WriteStatusBodyAsync(context.HttpContext));

        // The exception handler clears the response's headers: a call's id, given before the failure, is
        // kept aside here (in a filter, so the exception flows on untouched) and put back on the error.
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception) when (KeepCallId(context))
            {
                throw;
            }
        });
        return app;
    }

    private static bool KeepCallId(HttpContext context)
    {
        if (context.Response.Headers.TryGetValue(FnHeaders.CallId, out var callId))
        {
            context.Items[CallIdItem] = callId.ToString();
        }

        return false;
    }

    /// <summary>
    /// The answer to an expected failure of a request: an <see cref="ApiException"/>'s error, or a
    /// <see cref="BadHttpRequestException"/> (a body Kestrel or the edge refused) as JSON; <see langword="null"/> for anything else.
    /// </summary>
    public static ApiError? ErrorOf(Exception? exception, HttpContext context) => exception switch
    {
        ApiException api => api.Error,
        BadHttpRequestException { StatusCode: 413 } => new ApiError(413, "request body too large for this server"),
        // Trailers of a chunked body that Kestrel refuses as it reads the body: its limits are the headers' (both count).
        BadHttpRequestException { StatusCode: 431 } => EdgeErrors.HeadersTooLarge(context.RequestServices.GetRequiredService<IOptions<ServerOptions>>().Value),
        // A query parameter that is not of its type (per_page=abc): what it takes, not the .NET type it binds to.
        BadHttpRequestException { StatusCode: 400 } bad when ParameterErrors.Of(bad.Message) is { } parameter => parameter,
        // The framework's other messages name what was wrong and no internals.
        BadHttpRequestException bad => new ApiError(bad.StatusCode, bad.Message),
        _ => null,
    };

    private static async Task HandleExceptionAsync(HttpContext context)
    {
        var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var error = ErrorOf(exception, context);
        if (error is null)
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("FnSharp.Server.Errors");
            LogUnexpected(logger, exception, context.Request.Method, context.Request.Path);
            error = ApiErrors.Internal;
        }

        if (context.Items[CallIdItem] is string callId)
        {
            context.Response.Headers[FnHeaders.CallId] = callId;
        }

        if (error.Status == StatusCodes.Status408RequestTimeout)
        {
            // A client too slow to send its request is not kept (RFC 9110 section 15.5.9).
            context.Response.Headers.Connection = "close";
        }

        await ApiJson.WriteErrorAsync(context.Response, error);
    }

    private static bool IsExpected(Exception exception) => exception is ApiException or BadHttpRequestException;

    private static Task WriteStatusBodyAsync(HttpContext context) => context.Response.StatusCode switch
    {
        404 => ApiJson.WriteErrorAsync(context.Response, ApiErrors.PathNotFound),
        405 => ApiJson.WriteErrorAsync(context.Response, ApiErrors.MethodNotAllowed),
        var status => ApiJson.WriteErrorAsync(context.Response, new ApiError(status, ReasonPhrase(status))),
    };

    private static string ReasonPhrase(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "error";

    // Event ids 1100-1199 belong to the API.
    [LoggerMessage(1101, LogLevel.Error, "Unexpected failure answering {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception? exception, string method, string path);
}
