using System.CommandLine.Parsing;

namespace FnSharp.Cli.Commands;

/// <summary>
/// <c>calls list|get|redrive APP FN ...</c>: the call records of a fn (synchronous and detached),
/// and re-driving a dead letter. Fn's CLI had <c>fn list calls</c> and <c>fn get calls</c> until Fn
/// dropped the calls API; the shapes here take APP FN as every other command does.
/// </summary>
internal static class CallCommands
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("calls", "List a fn's calls, print one, or re-drive a dead letter.\n\nExamples:\n  fnsharp calls list myapp hello --status error\n  fnsharp calls get myapp hello 01JD8ZQ3R6X4B0N9ZK1W2Y3T4V\n  fnsharp calls list myapp hello --dead-letter\n  fnsharp calls redrive myapp hello 01JD8ZQ3R6X4B0N9ZK1W2Y3T4V");
        command.Subcommands.Add(List(runner, null));
        command.Subcommands.Add(Get(runner, null));
        command.Subcommands.Add(Redrive(runner));
        return command;
    }

    /// <summary><c>calls list APP FN</c>, or with <paramref name="noun"/> Fn's <c>list calls APP FN</c>.</summary>
    public static Command List(CommandRunner runner, Noun? noun)
    {
        var (app, fn) = (AppArgument(), FnArgument());
        var status = new Option<string?>("--status")
        {
            Description = "Only calls with this status (any case).",
            HelpName = string.Join('|', CallStates.All),
            CustomParser = StatusOf,
        };
        status.CompletionSources.Add([.. CallStates.All]);
        var deadLetter = new Option<bool?>("--dead-letter") { Description = "Only dead letters (--dead-letter or --dead-letter true), or only other calls (--dead-letter false)." };
        var from = new Option<string?>("--from") { Description = "Only calls created at or after this time (RFC 3339, for example 2026-11-30T12:00:00Z; a time without an offset is UTC)." };
        var to = new Option<string?>("--to") { Description = "Only calls created before this time (RFC 3339; a time without an offset is UTC)." };
        var perPage = new Option<int?>("--per-page", "-n") { Description = "How many calls to print, newest first (1-100; default: the server's, 30)." };
        var cursor = new Option<string?>("--cursor") { Description = "Where to go on: the cursor printed under the previous page." };
        var command = Named(noun, "list", true, "List a fn's calls, newest first, one page at a time; under a full page, the command for the next page is printed to stderr. ERROR is why a call failed (for a queued call, why its last attempt failed).\n\nExamples:\n  fnsharp calls list myapp hello\n  fnsharp calls list myapp hello --dead-letter --per-page 100 --output json\n  fnsharp calls list myapp hello --status error --from 2026-11-30T00:00:00Z", app, fn, status, deadLetter, from, to, perPage, cursor);
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            var fromTime = Time(parse.GetValue(from), "--from");
            var toTime = Time(parse.GetValue(to), "--to");
            if (parse.GetValue(perPage) is { } n && n is < 1 or > 100)
            {
                throw CliException.Usage(string.Create(CultureInfo.InvariantCulture, $"--per-page {n} is out of range: 1 to 100"));
            }

            var (appName, fnName) = (parse.GetValue(app)!, parse.GetValue(fn)!);
            var (_, target) = await context.FindFnAsync(appName, fnName, cancellationToken);
            var page = await context.Client.ListCallsAsync(
                target.Id,
                parse.GetValue(status),
                parse.GetValue(deadLetter),
                fromTime,
                toTime,
                parse.GetValue(cursor),
                parse.GetValue(perPage),
                cancellationToken);
            await ResourcePrinter.CallsAsync(context, page);
            if (!context.Json && page.NextCursor is { } next)
            {
                // The page is full, so there may be more (the server does not look further). The whole
                // command, filters included, so that it can be pasted as it is.
                List<string> words =
                [
                    "fnsharp", "calls", "list", appName, fnName,
                    .. Flag("--status", parse.GetValue(status)),
                    .. Flag("--dead-letter", parse.GetValue(deadLetter) is { } dead ? (dead ? "true" : "false") : null),
                    .. Flag("--from", Rfc3339(fromTime)),
                    .. Flag("--to", Rfc3339(toTime)),
                    .. Flag("--per-page", parse.GetValue(perPage)?.ToString(CultureInfo.InvariantCulture)),
                    .. Flag("--api-url", parse.GetValue(runner.Options.ApiUrl)),
                    "--cursor", next,
                ];
                await context.Error.WriteLineAsync("Next page: " + ShellWords.Join(words));
            }

            return 0;
        });
        return command;
    }

    /// <summary><c>calls get APP FN CALL_ID</c>, or with <paramref name="noun"/> Fn's <c>get call APP FN CALL_ID</c>.</summary>
    public static Command Get(CommandRunner runner, Noun? noun)
    {
        var (app, fn, call) = (AppArgument(), FnArgument(), CallArgument());
        var command = Named(noun, "get", false, "Print one call: its status, times, attempts and error.\n\nExamples:\n  fnsharp calls get myapp hello 01JD8ZQ3R6X4B0N9ZK1W2Y3T4V\n  fnsharp calls get myapp hello 01JD8ZQ3R6X4B0N9ZK1W2Y3T4V --output json", app, fn, call);
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            var (_, target) = await context.FindFnAsync(parse.GetValue(app)!, parse.GetValue(fn)!, cancellationToken);
            await ResourcePrinter.OneAsync(context, await context.Client.GetCallAsync(target.Id, parse.GetValue(call)!, cancellationToken));
            return 0;
        });
        return command;
    }

    private static Command Redrive(CommandRunner runner)
    {
        var (app, fn, call) = (AppArgument(), FnArgument(), CallArgument());
        var command = new Command("redrive", "Queue a dead-letter call again, with its attempts reset (the server refuses a call that is not a dead letter); follow it with fnsharp calls get.\n\nExamples:\n  fnsharp calls list myapp hello --dead-letter\n  fnsharp calls redrive myapp hello 01JD8ZQ3R6X4B0N9ZK1W2Y3T4V") { app, fn, call };
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            var (_, target) = await context.FindFnAsync(parse.GetValue(app)!, parse.GetValue(fn)!, cancellationToken);
            var redriven = await context.Client.RedriveCallAsync(target.Id, parse.GetValue(call)!, cancellationToken);
            await ResourcePrinter.DoneAsync(context, $"Successfully re-drove call: {redriven.Id} (status {redriven.Status})", redriven);

            return 0;
        });
        return command;
    }

    /// <summary>A call status in any case, sent in the server's lower case.</summary>
    private static string? StatusOf(ArgumentResult result)
    {
        var given = result.Tokens[^1].Value;
        var status = CallStates.All.FirstOrDefault(s => s.Equals(given, StringComparison.OrdinalIgnoreCase));
        if (status is null)
        {
            result.AddError($"--status '{given}' is not a call status: use {string.Join(", ", CallStates.All)} (any case)");
        }

        return status;
    }

    private static DateTimeOffset? Time(string? value, string option)
    {
        if (value is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw CliException.Usage($"{option} '{value}' is not a time; use RFC 3339, for example 2026-11-30T12:00:00Z");
    }

    private static string[] Flag(string name, string? value) => value is null ? [] : [name, value];

    private static string? Rfc3339(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>The command <paramref name="name"/> under <c>calls</c>, or <paramref name="noun"/>'s command under a verb.</summary>
    private static Command Named(Noun? noun, string name, bool list, string description, params Symbol[] symbols) =>
        noun is null ? Noun.Define(new Command(name, description), symbols) : list ? noun.ListCommand(description, symbols) : noun.Command(description, symbols);

    private static Argument<string> AppArgument() => new("app") { Description = "The app's name." };

    private static Argument<string> FnArgument() => new("fn") { Description = "The fn's name." };

    private static Argument<string> CallArgument() => new("call-id") { Description = "The call's id (Fn-Call-Id)." };
}
