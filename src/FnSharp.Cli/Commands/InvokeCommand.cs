using FnSharp.Core.Secrets;
using System.Net;
using FnSharp.Client;

namespace FnSharp.Cli.Commands;

/// <summary>
/// <c>invoke APP FN</c>: calls a fn and prints its answer, as Fn's <c>fn invoke</c> does; a call that has
/// not answered after a second shows a progress line until it does; a failed call is an <c>Error:</c> line
/// with its status, its call id and the commands that show what it wrote. With <c>--detached</c>, queues
/// the call and prints its id.
/// </summary>
internal static class InvokeCommand
{
    /// <summary>How long a call may take before a progress line says that it is being waited for.</summary>
    public static readonly TimeSpan ProgressAfter = TimeSpan.FromSeconds(1);

    public static Command Create(CommandRunner runner)
    {
        var app = new Argument<string>("app") { Description = "The app's name." };
        var fn = new Argument<string>("fn") { Description = "The fn's name." };
        var body = new Option<string?>("--body", "-b") { Description = "The request body (default: standard input when it is not a terminal, else empty)." };
        var contentType = new Option<string?>("--content-type") { Description = "The body's content type (default: application/json when the body is JSON, else text/plain)." };
        var detached = new Option<bool>("--detached") { Description = "Queue the call and print its id at once (Fn-Invoke-Type: detached); stderr says how to follow it." };
        var verbose = new Option<bool>("--verbose", "-v", "--display-call-id") { Description = "Also print the status and the call id (to stderr)." };
        var command = new Command(
            "invoke",
            "Invoke a fn and print its answer. A call that fails prints Error: with its status and call id, and how to see its log, and exits 1. " +
            "With --detached, print the call's id once the server has queued it (202).\n\nExamples:\n  fnsharp invoke myapp hello --body '{\"name\":\"you\"}'\n  echo '{\"name\":\"you\"}' | fnsharp invoke myapp hello -v\n  fnsharp invoke myapp hello --detached --body '{\"name\":\"later\"}'\n  fnsharp invoke myapp hello --output json")
        {
            app, fn, body, contentType, detached, verbose,
        };
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            var (owner, target) = await context.FindFnAsync(parse.GetValue(app)!, parse.GetValue(fn)!, cancellationToken);
            var text = parse.GetValue(body) ?? (runner.Io.InputRedirected ? await runner.Io.Input.ReadToEndAsync(cancellationToken) : "");
            var type = parse.GetValue(contentType) ?? (IsJson(text) ? "application/json" : "text/plain");
            if (parse.GetValue(detached))
            {
                return await InvokeDetachedAsync(context, owner, target, text, type, parse.GetValue(verbose), cancellationToken);
            }

            var result = await context.Progress.WhileWaitingAsync(
                () => context.Client.InvokeAsync(target.Id, text, type, cancellationToken),
                ProgressAfter,
                string.Create(CultureInfo.InvariantCulture, $"Waiting for the answer of {owner.Name} {target.Name} (its timeout is {target.Timeout} s)"),
                cancellationToken);
            var status = (int)result.StatusCode;
            var serverMessage = status >= 400 ? FnApiException.MessageOf(result.Body) : null;
            if (context.Json)
            {
                await context.WriteJsonAsync(new InvocationOutput(status, result.CallId, result.ContentType, result.Body));
            }
            else if (serverMessage is null)
            {
                // The fn's answer, as it is; a failure that is the server's JSON message is told on stderr instead.
                await context.Output.WriteAsync(result.Body);
                if (result.Body.Length > 0 && !result.Body.EndsWith('\n'))
                {
                    await context.Output.WriteLineAsync();
                }
            }

            if (parse.GetValue(verbose))
            {
                await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Status: {status}, Fn-Call-Id: {result.CallId}"));
            }

            if (status >= 400)
            {
                throw Failure(context, owner, target, status, serverMessage, result.CallId);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// A failed call: the server's message (or the status alone), the status and the call id, and what to run
    /// next: for a call that ran (502 function failed, 504 timed out) its log and record, and for a timeout
    /// how to give the fn longer.
    /// </summary>
    private static CliException Failure(CliContext context, App app, Fn fn, int status, string? message, string? callId)
    {
        var what = string.Create(CultureInfo.InvariantCulture, $"{message ?? $"the call ended with status {status}"} ({status}{(callId is null ? "" : $", call {callId}")})");
        var next = new List<string>();
        if (status == (int)HttpStatusCode.GatewayTimeout)
        {
            what += string.Create(CultureInfo.InvariantCulture, $": the call ran longer than the fn's timeout of {fn.Timeout} s");
            next.Add(string.Create(CultureInfo.InvariantCulture, $"To give it longer: {context.Command("update", "fn", app.Name, fn.Name, "--timeout", Math.Min(300, fn.Timeout * 2).ToString(CultureInfo.InvariantCulture))}"));
        }

        if (callId is not null && status is (int)HttpStatusCode.BadGateway or (int)HttpStatusCode.GatewayTimeout)
        {
            next.Add($"See what it wrote: {context.Command("logs", "get", app.Name, fn.Name, callId)}");
            next.Add($"See the call: {context.Command("calls", "get", app.Name, fn.Name, callId)}");
        }

        return new CliException(what) { Next = next };
    }

    private static async Task<int> InvokeDetachedAsync(CliContext context, App app, Fn fn, string body, string contentType, bool verbose, CancellationToken cancellationToken)
    {
        var result = await context.Client.InvokeDetachedAsync(fn.Id, body, contentType, cancellationToken);
        var status = (int)result.StatusCode;
        if (result.StatusCode == HttpStatusCode.Accepted)
        {
            var callId = result.CallId ?? JsonProperty(result.Body, "call_id")
                ?? throw new CliException($"the server accepted the call (202) but sent no call id (no Fn-Call-Id header, no call_id in the body)");
            if (context.Json)
            {
                await context.WriteJsonAsync(new QueuedCall(callId));
            }
            else
            {
                await context.Output.WriteLineAsync(callId);
            }

            if (verbose)
            {
                await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Status: {status}, Fn-Call-Id: {callId}"));
            }

            await context.Error.WriteLineAsync($"Queued. Follow it: {context.Command("calls", "get", app.Name, fn.Name, callId)}");
            await context.Error.WriteLineAsync($"Its log, once it has run: {context.Command("logs", "get", app.Name, fn.Name, callId)}");
            return ExitCodes.Ok;
        }

        if (status < 400)
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture, $"the server at {CredentialMask.Hide(context.ApiUrl)} ran the call synchronously ({status}) instead of queueing it (202): it does not support detached calls"));
        }

        throw new FnApiException(result.StatusCode, FnApiException.MessageOf(result.Body) ?? (result.Body.Length > 0 ? result.Body : result.StatusCode.ToString()));
    }

    private static string? JsonProperty(string body, string name)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsJson(string text)
    {
        if (text.Length == 0)
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
