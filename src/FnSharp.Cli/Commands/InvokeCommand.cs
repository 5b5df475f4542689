using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.Json;
using FnSharp.Client;

namespace FnSharp.Cli.Commands;

/// <summary>
/// <c>invoke APP FN</c>: calls a fn and prints its answer, as Fn's <c>fn invoke</c> does; with
/// <c>--detached</c>, queues the call and prints its id.
/// </summary>
internal static class InvokeCommand
{
    public static Command Create(CommandRunner runner, TextReader input, bool inputRedirected)
    {
        var app = new Argument<string>("app") { Description = "The app's name." };
        var fn = new Argument<string>("fn") { Description = "The fn's name." };
        var body = new Option<string?>("--body", "-b") { Description = "The request body (default: standard input when it is not a terminal, else empty)." };
        var contentType = new Option<string?>("--content-type") { Description = "The body's content type (default: application/json when the body is JSON, else text/plain)." };
        var detached = new Option<bool>("--detached") { Description = "Queue the call and print its id at once (Fn-Invoke-Type: detached); follow it with fnsharp calls get and fnsharp logs get." };
        var command = new Command("invoke", "Invoke a fn and print its answer; the exit code is 1 when the status is 400 or more. With --detached, print the call's id once the server has queued it (202).\n\nExamples:\n  fnsharp invoke myapp hello --body '{\"name\":\"you\"}'\n  echo '{\"name\":\"you\"}' | fnsharp invoke myapp hello -v\n  fnsharp invoke myapp hello --detached --body '{\"name\":\"later\"}'")
        {
            app, fn, body, contentType, detached,
        };
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            var (_, target) = await context.FindFnAsync(parse.GetValue(app)!, parse.GetValue(fn)!, cancellationToken);
            var text = parse.GetValue(body) ?? (inputRedirected ? await input.ReadToEndAsync(cancellationToken) : "");
            var type = parse.GetValue(contentType) ?? (IsJson(text) ? "application/json" : "text/plain");
            if (parse.GetValue(detached))
            {
                return await InvokeDetachedAsync(context, target.Id, text, type, cancellationToken);
            }

            var result = await context.Client.InvokeAsync(target.Id, text, type, cancellationToken);
            await context.Output.WriteAsync(result.Body);
            if (result.Body.Length > 0 && !result.Body.EndsWith('\n'))
            {
                await context.Output.WriteLineAsync();
            }

            if (context.Verbose)
            {
                await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Status: {(int)result.StatusCode}, Fn-Call-Id: {result.CallId}"));
            }

            return (int)result.StatusCode >= 400 ? 1 : 0;
        });
        return command;
    }

    private static async Task<int> InvokeDetachedAsync(CliContext context, string fnId, string body, string contentType, CancellationToken cancellationToken)
    {
        var result = await context.Client.InvokeDetachedAsync(fnId, body, contentType, cancellationToken);
        var status = (int)result.StatusCode;
        if (result.StatusCode == HttpStatusCode.Accepted)
        {
            var callId = result.CallId ?? CallIdOf(result.Body)
                ?? throw new CliException($"the server accepted the call (202) but sent no call id (no Fn-Call-Id header, no call_id in the body)");
            await context.Output.WriteLineAsync(callId);
            if (context.Verbose)
            {
                await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Status: {status}, Fn-Call-Id: {callId}"));
            }

            return 0;
        }

        if (status < 400)
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture, $"the server at {context.ApiUrl} ran the call synchronously ({status}) instead of queueing it (202): it does not support detached calls"));
        }

        throw new FnApiException(result.StatusCode, MessageOf(result.Body) ?? (result.Body.Length > 0 ? result.Body : result.StatusCode.ToString()));
    }

    private static string? CallIdOf(string body) => JsonProperty(body, "call_id");

    private static string? MessageOf(string body) => JsonProperty(body, "message");

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
