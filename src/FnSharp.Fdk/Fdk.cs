using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
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
/// </summary>
/// <remarks>
/// Each <c>POST /call</c> runs the handler with an <see cref="FnContext"/>. The answer to the platform
/// carries <c>Fn-Fdk-Version</c> and <c>Fn-Fdk-Runtime</c>; for a trigger call also <c>Fn-Http-Status</c>
/// and <c>Fn-Http-H-*</c> from <see cref="FnContext.Http"/>. The contract lets an FDK answer only 200,
/// 502 and 504, so: an unhandled exception is answered 502 with <c>{"message":"Type: text"}</c> (also
/// written to stderr, since the platform shows its client only <c>function failed</c>); a handler
/// cancelled at the call's deadline is answered 504; a body that the typed handler cannot read is the
/// caller's error, answered on a trigger as client status 400 and on <c>/invoke</c> as 502 (see
/// <see cref="HandleAsync{TIn, TOut}(JsonTypeInfo{TIn}, JsonTypeInfo{TOut}, Func{FnContext, TIn, Task{TOut}}, CancellationToken)"/>).
/// When <c>FN_LOGFRAME_NAME</c> and <c>FN_LOGFRAME_HDR</c> are set, a call's text on stdout and on stderr is
/// preceded by the log frame marker line, written before its first text there (see <see cref="LogFrame"/>).
/// </remarks>
public static class Fdk
{
    /// <summary>The FDK's version, sent as <c>Fn-Fdk-Version</c>.</summary>
    public const string Version = "fdk-csharp/0.1.0";

    private const string PhonySocketName = "phonylsnr.sock";
    private const string JsonContentType = "application/json";

    // Timers cannot run longer than this; a deadline further off is no deadline in practice.
    private static readonly TimeSpan MaxTimer = TimeSpan.FromMilliseconds(int.MaxValue);

    /// <summary>
    /// Serves <paramref name="handler"/> until the container is stopped. The handler gets the call's
    /// context and its body as UTF-8 text, and returns the body of the answer (UTF-8, content type
    /// <c>text/plain</c> unless it sets <see cref="FnContext.ResponseContentType"/>).
    /// </summary>
    /// <param name="handler">The function: the call's context and body in, the answer's body out.</param>
    /// <param name="cancellationToken">Stops serving when cancelled; the container's SIGTERM does the same.</param>
    /// <exception cref="InvalidOperationException"><c>FN_LISTENER</c> is missing or not <c>unix:/path</c>.</exception>
    public static Task HandleAsync(Func<FnContext, string, Task<string>> handler, CancellationToken cancellationToken = default) =>
        ServeAsync(Environment.GetEnvironmentVariable("FN_LISTENER"), Text(handler), cancellationToken);

    /// <summary>
    /// Serves a typed <paramref name="handler"/> until the container is stopped: the body is read as JSON
    /// into <typeparamref name="TIn"/> and the result written as JSON (content type <c>application/json</c>
    /// unless the handler sets <see cref="FnContext.ResponseContentType"/>), both through the given
    /// source-generated metadata, so the function stays trimming- and NativeAOT-safe.
    /// </summary>
    /// <remarks>
    /// An empty body gives the handler <see langword="default"/> (<see langword="null"/> for classes),
    /// as Fn's hello functions expect of a call without input. A body that is not valid JSON for
    /// <typeparamref name="TIn"/> never reaches the handler; it is answered
    /// <c>{"message":"Invalid input: the body is not valid JSON for TIn: ..."}</c> with content type
    /// <c>application/json</c>: on a trigger call as client status 400 (<c>Fn-Http-Status: 400</c>, the
    /// call itself a success); on any other call as 502, the only failure the contract lets an FDK
    /// report (the platform answers its client 502 <c>function failed</c>; the message goes to stderr too).
    /// </remarks>
    /// <param name="input">How to read the body, for example <c>MyJson.Default.Order</c> of a <c>JsonSerializerContext</c>.</param>
    /// <param name="output">How to write the result.</param>
    /// <param name="handler">The function: the call's context and typed input in, the typed result out.</param>
    /// <param name="cancellationToken">Stops serving when cancelled; the container's SIGTERM does the same.</param>
    /// <exception cref="InvalidOperationException"><c>FN_LISTENER</c> is missing or not <c>unix:/path</c>.</exception>
    public static Task HandleAsync<TIn, TOut>(JsonTypeInfo<TIn> input, JsonTypeInfo<TOut> output, Func<FnContext, TIn?, Task<TOut>> handler, CancellationToken cancellationToken = default) =>
        ServeAsync(Environment.GetEnvironmentVariable("FN_LISTENER"), Json(input, output, handler), cancellationToken);

    /// <summary>
    /// Serves <paramref name="handler"/> on raw bytes until the container is stopped: the whole body in,
    /// the whole answer out (content type <c>application/octet-stream</c> unless the handler sets
    /// <see cref="FnContext.ResponseContentType"/>). The body is held in memory; the platform bounds its
    /// size (<c>FN_MAX_REQUEST_SIZE</c>).
    /// </summary>
    /// <param name="handler">The function: the call's context and body in, the answer's body out.</param>
    /// <param name="cancellationToken">Stops serving when cancelled; the container's SIGTERM does the same.</param>
    /// <exception cref="InvalidOperationException"><c>FN_LISTENER</c> is missing or not <c>unix:/path</c>.</exception>
    public static Task HandleBytesAsync(Func<FnContext, byte[], Task<byte[]>> handler, CancellationToken cancellationToken = default) =>
        ServeAsync(Environment.GetEnvironmentVariable("FN_LISTENER"), Bytes(handler), cancellationToken);

    /// <summary>Adapts a text handler: UTF-8 body in, UTF-8 answer out.</summary>
    internal static Func<FnContext, Stream, Task<byte[]>> Text(Func<FnContext, string, Task<string>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return async (context, body) =>
        {
            string input;
            using (var reader = new StreamReader(body, Encoding.UTF8))
            {
                input = await reader.ReadToEndAsync(context.CancellationToken);
            }

            return Encoding.UTF8.GetBytes(await handler(context, input));
        };
    }

    /// <summary>Adapts a typed handler: JSON body in, JSON answer out; unreadable input answered as the caller's error.</summary>
    internal static Func<FnContext, Stream, Task<byte[]>> Json<TIn, TOut>(JsonTypeInfo<TIn> input, JsonTypeInfo<TOut> output, Func<FnContext, TIn?, Task<TOut>> handler)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(handler);
        return async (context, body) =>
        {
            var bytes = await ReadAllAsync(body, context.CancellationToken);
            TIn? value;
            try
            {
                value = bytes.Length == 0 ? default : JsonSerializer.Deserialize(bytes, input);
            }
            catch (JsonException e)
            {
                return BadInput(context, $"Invalid input: the body is not valid JSON for {typeof(TIn).Name}: {e.Message}");
            }

            context.ResponseContentType = JsonContentType;
            var result = await handler(context, value);
            return JsonSerializer.SerializeToUtf8Bytes(result, output);
        };
    }

    /// <summary>Adapts a byte handler: the whole body in, the whole answer out.</summary>
    internal static Func<FnContext, Stream, Task<byte[]>> Bytes(Func<FnContext, byte[], Task<byte[]>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return async (context, body) =>
        {
            var bytes = await ReadAllAsync(body, context.CancellationToken);
            context.ResponseContentType = "application/octet-stream";
            return await handler(context, bytes);
        };
    }

    internal static async Task ServeAsync(string? listener, Func<FnContext, Stream, Task<byte[]>> handler, CancellationToken cancellationToken)
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

        // The platform sends a container one call at a time (Fn's contract), on one connection: Kestrel runs the
        // request on the thread whose socket read completed it instead of handing it to another thread first (one
        // thread wake-up less per call; "unsafe" only for servers whose many connections a blocking request would
        // hold up). The handler still runs on a thread-pool thread, so blocking in it deadlocks nothing.
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.ListenUnixSocket(phonyPath);
        });
        var app = builder.Build();
        var logFrame = LogFrame.Installed;
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

    private static async Task ServeCallAsync(HttpContext http, Func<FnContext, Stream, Task<byte[]>> handler, LogFrame? logFrame)
    {
        var request = http.Request;
        logFrame?.Begin(request.Headers, Console.Out, Console.Error);
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
        byte[] output;
        try
        {
            output = await handler(context, request.Body);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested && !http.RequestAborted.IsCancellationRequested)
        {
            // The call's deadline passed while the handler ran: the contract's answer is 504, and the
            // platform kills the container, as Fn's FDKs do.
            await WriteErrorAsync(response, StatusCodes.Status504GatewayTimeout, "Timed out", http.RequestAborted);
            return;
        }
#pragma warning disable CA1031 // Any failure of the user's handler is the function's fault, answered 502 as the contract asks.
        catch (Exception e)
#pragma warning restore CA1031
        {
            var message = e.GetType().Name + ": " + e.Message;
            await Console.Error.WriteLineAsync("fdk: the handler failed: " + message);
            await WriteErrorAsync(response, StatusCodes.Status502BadGateway, message, http.RequestAborted);
            return;
        }

        response.StatusCode = context.ResponseStatusCode;
        if (context.Http is { } trigger)
        {
            // Fn's FDKs answer a trigger call with the client's status and headers under these names;
            // the platform maps them back (fn-compat.md section 3).
            response.Headers["Fn-Http-Status"] = trigger.StatusCode.ToString(CultureInfo.InvariantCulture);
            foreach (var (name, value) in trigger.ResponseHeaders)
            {
                if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                {
                    context.ResponseContentType = value;
                }
                else
                {
                    response.Headers["Fn-Http-H-" + name] = value;
                }
            }
        }

        foreach (var (name, value) in context.ResponseHeaders)
        {
            response.Headers[name] = value;
        }

        response.ContentType = context.ResponseContentType;
        response.ContentLength = output.Length;
        await response.Body.WriteAsync(output, http.RequestAborted);
    }

    /// <summary>
    /// Makes the answer of unreadable input: the client's 400 on a trigger call, else the contract's 502.
    /// </summary>
    private static byte[] BadInput(FnContext context, string message)
    {
        if (context.Http is { } trigger)
        {
            trigger.StatusCode = StatusCodes.Status400BadRequest;
        }
        else
        {
            context.ResponseStatusCode = StatusCodes.Status502BadGateway;
        }

        Console.Error.WriteLine("fdk: " + message);
        context.ResponseContentType = JsonContentType;
        return Encoding.UTF8.GetBytes(ErrorJson(message));
    }

    private static async Task WriteErrorAsync(HttpResponse response, int status, string message, CancellationToken cancellationToken)
    {
        response.StatusCode = status;
        response.ContentType = JsonContentType;
        await response.WriteAsync(ErrorJson(message), cancellationToken);
    }

    private static string ErrorJson(string message) => "{\"message\":\"" + System.Text.Encodings.Web.JavaScriptEncoder.Default.Encode(message) + "\"}";

    private static async Task<byte[]> ReadAllAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}
