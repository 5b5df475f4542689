using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace FnSharp.Cli.Commands;

/// <summary><c>invoke APP FN</c>: calls a fn and prints its answer, as Fn's <c>fn invoke</c> does.</summary>
internal static class InvokeCommand
{
    public static Command Create(CommandRunner runner, TextReader input, bool inputRedirected)
    {
        var app = new Argument<string>("app") { Description = "The app's name." };
        var fn = new Argument<string>("fn") { Description = "The fn's name." };
        var body = new Option<string?>("--body", "-b") { Description = "The request body (default: standard input when it is not a terminal, else empty)." };
        var contentType = new Option<string?>("--content-type") { Description = "The body's content type (default: application/json when the body is JSON, else text/plain)." };
        var command = new Command("invoke", "Invoke a fn and print its answer; the exit code is 1 when the status is 400 or more.\n\nExamples:\n  fnsharp invoke myapp hello --body '{\"name\":\"you\"}'\n  echo '{\"name\":\"you\"}' | fnsharp invoke myapp hello -v")
        {
            app, fn, body, contentType,
        };
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            var (_, target) = await context.FindFnAsync(parse.GetValue(app)!, parse.GetValue(fn)!, cancellationToken);
            var text = parse.GetValue(body) ?? (inputRedirected ? await input.ReadToEndAsync(cancellationToken) : "");
            var type = parse.GetValue(contentType) ?? (IsJson(text) ? "application/json" : "text/plain");
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
