using System.CommandLine;

namespace FnSharp.Cli.Commands;

/// <summary><c>logs get APP FN CALL_ID</c>: a call's log, as Fn's <c>fn get logs</c> prints it.</summary>
internal static class LogsCommand
{
    public static Command Create(CommandRunner runner)
    {
        var app = new Argument<string>("app") { Description = "The app's name." };
        var fn = new Argument<string>("fn") { Description = "The fn's name." };
        var call = new Argument<string>("call-id") { Description = "The call's id (Fn-Call-Id)." };
        var get = new Command("get", "Print what the fn's container wrote to stdout and stderr during one call.\n\nExample:\n  fnsharp logs get myapp hello 01JD8ZQ3R6X4B0N9ZK1W2Y3T4V") { app, fn, call };
        runner.SetAction(get, async (parse, context, cancellationToken) =>
        {
            var (_, target) = await context.FindFnAsync(parse.GetValue(app)!, parse.GetValue(fn)!, cancellationToken);
            var log = await context.Client.GetCallLogAsync(target.Id, parse.GetValue(call)!, cancellationToken);
            await context.Output.WriteAsync(log);
            if (log.Length > 0 && !log.EndsWith('\n'))
            {
                await context.Output.WriteLineAsync();
            }

            return 0;
        });
        return new Command("logs", "Print the log of a call.\n\nExample:\n  fnsharp logs get myapp hello 01JD8ZQ3R6X4B0N9ZK1W2Y3T4V") { get };
    }
}
