using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FnSharp.Fdk;

/// <summary>
/// Serves a function over Fn's http-stream contract (<c>fn-compat.md</c> section 4): Kestrel listens
/// on <c>phonylsnr.sock</c> in the directory of <c>FN_LISTENER</c>, makes it mode 0666 and links
/// <c>lsnr.sock</c> to it, so the platform sees the socket only once it accepts calls (as Fn's FDKs do).
/// Each <c>POST /call</c> runs the handler; an unhandled exception is answered 502 with a JSON error.
/// When <c>FN_LOGFRAME_NAME</c> and <c>FN_LOGFRAME_HDR</c> are set, each call first writes the log
/// frame marker line to stdout and stderr (see <see cref="LogFrame"/>). The handler may set the
/// answer's status and extra headers through <see cref="FnContext.ResponseStatusCode"/> and
/// <see cref="FnContext.ResponseHeaders"/>.
/// </summary>
public static class Fdk
{
    /// <summary>The FDK's version, sent as <c>Fn-Fdk-Version</c>.</summary>
    public const string Version = "fdk-csharp/0.1.0";

    private const string PhonySocketName = "phonylsnr.sock";

    /// <summary>
    /// Serves <paramref name="handler"/> until the container is stopped. The handler gets the call's
    /// context and its body as UTF-8 text, and returns the body of the answer.
    /// </summary>
    /// <param name="handler">The function: the call's context and body in, the answer's body out.</param>
    /// <param name="cancellationToken">Stops serving when cancelled; the container's SIGTERM does the same.</param>
    /// <exception cref="InvalidOperationException"><c>FN_LISTENER</c> is missing or not <c>unix:/path</c>.</exception>
    public static Task HandleAsync(Func<FnContext, string, Task<string>> handler, CancellationToken cancellationToken = default) =>
        ServeAsync(Environment.GetEnvironmentVariable("FN_LISTENER"), handler, cancellationToken);

    internal static async Task ServeAsync(string? listener, Func<FnContext, string, Task<string>> handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var socketPath = ListenerPath(listener);
        var directory = Path.GetDirectoryName(socketPath) ?? "/";
        var phonyPath = Path.Combine(directory, PhonySocketName);
        File.Delete(phonyPath);

        // No watching of configuration files for changes: the watcher covers the content root (the
        // container's "/") and, as the unprivileged user of a hardened container, cost about 400 ms
        // of start-up, while a function's configuration is its environment and never changes.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.ListenUnixSocket(phonyPath);
        });
        var app = builder.Build();
        var logFrame = LogFrame.FromEnvironment();
        app.MapPost("/call", context => ServeCallAsync(context, handler, logFrame));
        await app.StartAsync(cancellationToken);

        File.SetUnixFileMode(phonyPath, (UnixFileMode)0b110_110_110);
        File.Delete(socketPath);
        File.CreateSymbolicLink(socketPath, PhonySocketName);
        await app.WaitForShutdownAsync(cancellationToken);
        await app.DisposeAsync();
    }

    internal static string ListenerPath(string? listener)
    {
        const string Scheme = "unix:";
        if (listener is null || !listener.StartsWith(Scheme, StringComparison.Ordinal) || listener.Length == Scheme.Length)
        {
            throw new InvalidOperationException($"FN_LISTENER must be unix:/path/to/lsnr.sock, not '{listener}'; run this function on an Fn-compatible platform.");
        }

        return listener[Scheme.Length..];
    }

    private static async Task ServeCallAsync(HttpContext http, Func<FnContext, string, Task<string>> handler, LogFrame? logFrame)
    {
        var request = http.Request;
        logFrame?.Write(request.Headers, Console.Out, Console.Error);
        var response = http.Response;
        response.Headers["Fn-Fdk-Version"] = Version;
        response.Headers["Fn-Fdk-Runtime"] = "dotnet/" + Environment.Version.ToString(2);

        DateTimeOffset? deadline = DateTimeOffset.TryParse(request.Headers["Fn-Deadline"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d : null;
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        if (deadline is { } at && at - DateTimeOffset.UtcNow is var wait && wait < MaxTimer)
        {
            cancellation.CancelAfter(wait < TimeSpan.Zero ? TimeSpan.Zero : wait);
        }

        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var context = new FnContext(request.Headers["Fn-Call-Id"].ToString(), deadline, request.ContentType, headers, cancellation.Token);
        string input;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            input = await reader.ReadToEndAsync(cancellation.Token);
        }

        string output;
        try
        {
            output = await handler(context, input);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested && !http.RequestAborted.IsCancellationRequested)
        {
            // The call's deadline passed while the handler ran: the contract's answer is 504, and the
            // platform kills the container, as Fn's FDKs do.
            response.StatusCode = StatusCodes.Status504GatewayTimeout;
            response.ContentType = "application/json";
            await response.WriteAsync("{\"message\":\"Timed out\"}", http.RequestAborted);
            return;
        }
#pragma warning disable CA1031 // Any failure of the user's handler is the function's fault, answered 502 as the contract asks.
        catch (Exception e)
#pragma warning restore CA1031
        {
            response.StatusCode = StatusCodes.Status502BadGateway;
            response.ContentType = "application/json";
            await response.WriteAsync("{\"message\":\"" + JsonEscape(e.GetType().Name + ": " + e.Message) + "\"}", http.RequestAborted);
            return;
        }

        response.StatusCode = context.ResponseStatusCode;
        foreach (var (name, value) in context.ResponseHeaders)
        {
            response.Headers[name] = value;
        }

        response.ContentType = context.ResponseContentType;
        await response.WriteAsync(output, http.RequestAborted);
    }

    // Timers cannot run longer than this; a deadline further off is no deadline in practice.
    private static readonly TimeSpan MaxTimer = TimeSpan.FromMilliseconds(int.MaxValue);

    private static string JsonEscape(string text) => System.Text.Encodings.Web.JavaScriptEncoder.Default.Encode(text);
}
