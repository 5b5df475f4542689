using System.Net;
using FnSharp.Client;

namespace FnSharp.Cli.Commands;

/// <summary>
/// <c>logs get APP FN CALL_ID</c> (and Fn's verb-first <c>get logs</c>): a call's log, as Fn's <c>fn get
/// logs</c> printed it. A call that ended without writing anything has an empty log, which is no error.
/// </summary>
internal static class LogsCommand
{
    /// <summary>The server's 404 for a call that exists without a log (<c>docs/api.md</c>, "Calls and logs").</summary>
    private const string CallLogNotFound = "Call log not found";

    public static Command Create(CommandRunner runner) =>
        new("logs", "Print the log of a call.\n\nExample:\n  fnsharp logs get myapp hello 01JD8ZQ3R6X4B0N9ZK1W2Y3T4V") { Get(runner, null) };

    /// <summary><c>logs get APP FN CALL_ID</c>, or with <paramref name="noun"/> Fn's <c>get logs APP FN CALL_ID</c>.</summary>
    public static Command Get(CommandRunner runner, Noun? noun)
    {
        var app = new Argument<string>("app") { Description = "The app's name." };
        var fn = new Argument<string>("fn") { Description = "The fn's name." };
        var call = new Argument<string>("call-id") { Description = "The call's id (Fn-Call-Id)." };
        const string Description = "Print what the fn's container wrote to stdout and stderr during one call (stored when the call ends; empty when it wrote nothing).\n\nExamples:\n  fnsharp logs get myapp hello 01JD8ZQ3R6X4B0N9ZK1W2Y3T4V\n  fnsharp get logs myapp hello 01JD8ZQ3R6X4B0N9ZK1W2Y3T4V --output json";
        var get = noun is null ? Noun.Define(new Command("get", Description), app, fn, call) : noun.Command(Description, app, fn, call);
        runner.SetAction(get, async (parse, context, cancellationToken) =>
        {
            var (owner, target) = await context.FindFnAsync(parse.GetValue(app)!, parse.GetValue(fn)!, cancellationToken);
            var callId = parse.GetValue(call)!;
            string log;
            try
            {
                log = await context.Client.GetCallLogAsync(target.Id, callId, cancellationToken);
            }
            catch (FnApiException e) when (e.StatusCode == HttpStatusCode.NotFound && e.Message == CallLogNotFound)
            {
                log = await WithoutLogAsync(context, owner, target, callId, cancellationToken);
            }
            catch (FnApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                throw new CliException($"{e.Message} (404)", $"See the fn's calls: {context.Command("calls", "list", owner.Name, target.Name)}");
            }

            if (context.Json)
            {
                await context.WriteJsonAsync(new CallLog(callId, log));
                return ExitCodes.Ok;
            }

            await context.Output.WriteAsync(log);
            if (log.Length > 0 && !log.EndsWith('\n'))
            {
                await context.Output.WriteLineAsync();
            }

            return ExitCodes.Ok;
        });
        return get;
    }

    /// <summary>
    /// A call the server keeps no log for: one that ended wrote nothing (or never reached a container), and
    /// its log is empty, which stderr says; one that has not ended yet has no log so far, which is an error
    /// that says to wait (its log is stored when it ends).
    /// </summary>
    private static async Task<string> WithoutLogAsync(CliContext context, App app, Fn fn, string callId, CancellationToken cancellationToken)
    {
        Call found;
        try
        {
            found = await context.Client.GetCallAsync(fn.Id, callId, cancellationToken);
        }
        catch (FnApiException)
        {
            // Pruned or deleted meanwhile: the server's message alone.
            throw new CliException($"{CallLogNotFound} (404)");
        }

        if (!found.IsFinished)
        {
            throw new CliException(
                $"the call is {found.Status}: its log is stored when it ends",
                $"Follow it: {context.Command("calls", "get", app.Name, fn.Name, callId)}");
        }

        await context.Error.WriteLineAsync($"The call ended ({found.Status}) without writing to stdout or stderr{(found.StartedAt is null ? ", before it reached a container" : "")}: its log is empty.");
        return "";
    }
}
