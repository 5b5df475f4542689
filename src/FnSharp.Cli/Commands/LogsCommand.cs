using System.CommandLine;
using System.Net;
using FnSharp.Client;
using FnSharp.Core.Models;

namespace FnSharp.Cli.Commands;

/// <summary><c>logs get APP FN CALL_ID</c>: a call's log, as Fn's <c>fn get logs</c> prints it.</summary>
internal static class LogsCommand
{
    /// <summary>The server's 404 for a call that exists without a log (<c>docs/api.md</c>, "Calls and logs").</summary>
    private const string CallLogNotFound = "Call log not found";

    public static Command Create(CommandRunner runner)
    {
        var app = new Argument<string>("app") { Description = "The app's name." };
        var fn = new Argument<string>("fn") { Description = "The fn's name." };
        var call = new Argument<string>("call-id") { Description = "The call's id (Fn-Call-Id)." };
        var get = new Command("get", "Print what the fn's container wrote to stdout and stderr during one call (stored when the call ends).\n\nExample:\n  fnsharp logs get myapp hello 01JD8ZQ3R6X4B0N9ZK1W2Y3T4V") { app, fn, call };
        runner.SetAction(get, async (parse, context, cancellationToken) =>
        {
            var (_, target) = await context.FindFnAsync(parse.GetValue(app)!, parse.GetValue(fn)!, cancellationToken);
            var callId = parse.GetValue(call)!;
            string log;
            try
            {
                log = await context.Client.GetCallLogAsync(target.Id, callId, cancellationToken);
            }
            catch (FnApiException e) when (e.StatusCode == HttpStatusCode.NotFound && e.Message == CallLogNotFound)
            {
                throw new CliException(await WhyNoLogAsync(context, target.Id, callId, cancellationToken));
            }

            await context.Output.WriteAsync(log);
            if (log.Length > 0 && !log.EndsWith('\n'))
            {
                await context.Output.WriteLineAsync();
            }

            return 0;
        });
        return new Command("logs", "Print the log of a call.\n\nExample:\n  fnsharp logs get myapp hello 01JD8ZQ3R6X4B0N9ZK1W2Y3T4V") { get };
    }

    /// <summary>
    /// The server's message, and why the call has no log: "not found" alone reads as a wrong id, while the
    /// usual reasons are a call that has not ended yet (its log is stored with its end) or one that wrote nothing.
    /// </summary>
    private static async Task<string> WhyNoLogAsync(CliContext context, string fnId, string callId, CancellationToken cancellationToken)
    {
        const string prefix = CallLogNotFound + " (404): ";
        try
        {
            var found = await context.Client.GetCallAsync(fnId, callId, cancellationToken);
            return found.IsFinished
                ? prefix + $"the call ended ({found.Status}) without writing to stdout or stderr, or before it reached a container"
                : prefix + $"the call is {found.Status}; its log is stored when it ends";
        }
        catch (FnApiException)
        {
            // Pruned or deleted meanwhile: the server's message alone.
            return prefix.TrimEnd(' ', ':');
        }
    }
}
