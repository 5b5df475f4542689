using System.CommandLine.Help;
using System.CommandLine.Invocation;
using FnSharp.Cli.Commands;

namespace FnSharp.Cli;

/// <summary>
/// The <c>fnsharp</c> command, shaped like Fn's <c>fn</c>: verbs (<c>create</c>, <c>list</c>,
/// <c>inspect</c>, <c>update</c>, <c>delete</c>, <c>config</c>, <c>get</c>, <c>unset</c>) then the resource
/// (with Fn's spellings: <c>fn</c>, <c>function</c>, <c>functions</c>, <c>f</c>, ...), which is addressed
/// by name; <c>init</c>, <c>build</c>, <c>deploy</c> and <c>invoke</c> for a function's life; <c>calls</c>
/// and <c>logs</c> for its calls; <c>completion</c> for the shell. A later command joins the tree here,
/// takes <see cref="CliOptions"/>' global options, prints through <see cref="CliContext"/> and fails with
/// <see cref="CliException"/>, so that output, errors and exit codes stay one rule.
/// </summary>
internal static class CliApp
{
    /// <summary>The root's help: what it is, examples, where to read more, and the exit codes.</summary>
    public const string Description = """
        fnsharp: create, build, deploy and invoke FnSharp functions; shaped like Fn's fn CLI.

        Examples:
          fnsharp init --runtime csharp hello && cd hello
          fnsharp deploy --app myapp --create-app
          fnsharp invoke myapp hello --body '{"name":"you"}'
          fnsharp list functions myapp
          fnsharp inspect fn myapp hello image

        Output: tables for people; --output json prints one JSON document on stdout (a list is
        {"items": [...]}, one resource its object). Errors, hints and progress go to stderr.
        Exit codes: 0 done; 1 the server, the Docker engine or the function said no (or could not
        be reached); 2 the command line is wrong.
        """;

    /// <summary>Runs the command line <paramref name="args"/> with <paramref name="io"/>'s streams, environment and clock.</summary>
    public static async Task<int> RunAsync(string[] args, CliIo io)
    {
        var root = Build(io);
        // No response files: an argument that starts with '@' is itself (a cron source such as @daily, a body), not a file to read.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Action is ParseErrorAction)
        {
            await UsageErrors.WriteAsync(parse, io.Error);
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = io.Output, Error = io.Error });
    }

    /// <summary>The command tree.</summary>
    public static RootCommand Build(CliIo io)
    {
        var options = new CliOptions();
        var runner = new CommandRunner(options, io);
        var root = new RootCommand(Description) { options.ApiUrl, options.Token, options.Output };

        // fnsharp alone asks what it can do, as fn alone does: the help, not an error.
        root.SetAction(parse => new HelpAction().Invoke(parse));
        root.Subcommands.Add(Verb.Create(
            "create", "c", "Create an app, a fn or a trigger.", AppCommands.Create(runner), FnCommands.Create(runner), TriggerCommands.Create(runner)));
        root.Subcommands.Add(Verb.Create(
            "list", "ls", "List apps, the fns or triggers of an app, config entries, or a fn's calls.", AppCommands.List(runner), FnCommands.List(runner), TriggerCommands.List(runner), ConfigCommands.List(runner), CallCommands.List(runner, Noun.Call)));
        root.Subcommands.Add(Verb.Create(
            "inspect", "i", "Print an app, a fn or a trigger, or one of its fields.", AppCommands.Inspect(runner), FnCommands.Inspect(runner), TriggerCommands.Inspect(runner)));
        root.Subcommands.Add(Verb.Create(
            "update", "up", "Update an app, a fn or a trigger.", AppCommands.Update(runner), FnCommands.Update(runner), TriggerCommands.Update(runner)));
        root.Subcommands.Add(Verb.Create(
            "delete", "d", "Delete an app, a fn, a trigger or a config entry.", AppCommands.Delete(runner), FnCommands.Delete(runner), TriggerCommands.Delete(runner), ConfigCommands.Unset(runner)));
        root.Subcommands.Add(Verb.Create("pause", "pa", "Pause a cron trigger.", TriggerCommands.Pause(runner)));
        root.Subcommands.Add(Verb.Create("resume", "re", "Resume a paused cron trigger.", TriggerCommands.Resume(runner)));
        root.Subcommands.Add(ConfigCommands.Set(runner).WithAlias("cf"));
        root.Subcommands.Add(Verb.Create("get", "g", "Print a config entry, a call or a call's log.", ConfigCommands.Get(runner), CallCommands.Get(runner, Noun.Call), LogsCommand.Get(runner, Noun.Logs)));
        root.Subcommands.Add(Verb.Create("unset", "un", "Remove a config entry.", ConfigCommands.Unset(runner)));
        root.Subcommands.Add(InitCommand.Create(runner));
        root.Subcommands.Add(BuildCommand.Create(runner).WithAlias("bu"));
        root.Subcommands.Add(DeployCommand.Create(runner).WithAlias("dp"));
        root.Subcommands.Add(InvokeCommand.Create(runner).WithAlias("iv"));
        root.Subcommands.Add(CallCommands.Create(runner));
        root.Subcommands.Add(KeyCommands.Create(runner));
        root.Subcommands.Add(LogsCommand.Create(runner));
        root.Subcommands.Add(VersionCommand.Create(runner));
        root.Subcommands.Add(CompletionCommand.Create());
        return root;
    }
}
