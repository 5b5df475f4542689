using System.CommandLine;
using FnSharp.Cli.Commands;

namespace FnSharp.Cli;

/// <summary>
/// The <c>fnsharp</c> command, shaped like Fn's <c>fn</c>: verbs (<c>create</c>, <c>list</c>,
/// <c>inspect</c>, <c>update</c>, <c>delete</c>, <c>config</c>, <c>get</c>, <c>unset</c>) then the resource, which is addressed by name;
/// <c>init</c>, <c>build</c>, <c>deploy</c> and <c>invoke</c> for a function's life; <c>calls</c> and <c>logs</c> for its calls.
/// </summary>
internal static class CliApp
{
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error) =>
        RunAsync(args, output, error, TextReader.Null, inputRedirected: false);

    /// <summary>Runs the command line <paramref name="args"/>; <paramref name="environment"/> reads environment variables (the process's when <see langword="null"/>).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, TextReader input, bool inputRedirected, Func<string, string?>? environment = null)
    {
        var options = new CliOptions();
        var runner = new CommandRunner(options, output, error, environment ?? Environment.GetEnvironmentVariable);
        var root = new RootCommand("fnsharp: create, build, deploy and invoke FnSharp functions (Fn-compatible).\n\nExamples:\n  fnsharp init --runtime csharp hello && cd hello\n  fnsharp deploy --app myapp --create-app\n  fnsharp invoke myapp hello --body '{\"name\":\"you\"}'\n  fnsharp create fn myapp hello2 fnsharp/hello-csharp:latest")
        {
            options.ApiUrl,
            options.Token,
            options.Output,
            options.Verbose,
        };
        root.Subcommands.Add(new Command("create", "Create an app, a fn or a trigger.")
        {
            AppCommands.Create(runner), FnCommands.Create(runner), TriggerCommands.Create(runner),
        });
        root.Subcommands.Add(new Command("list", "List apps, the fns or triggers of an app, or config entries.")
        {
            AppCommands.List(runner), FnCommands.List(runner), TriggerCommands.List(runner), ConfigCommands.List(runner),
        });
        root.Subcommands.Add(new Command("inspect", "Print an app, a fn or a trigger as JSON.")
        {
            AppCommands.Inspect(runner), FnCommands.Inspect(runner), TriggerCommands.Inspect(runner),
        });
        root.Subcommands.Add(new Command("update", "Update an app, a fn or a trigger.")
        {
            AppCommands.Update(runner), FnCommands.Update(runner), TriggerCommands.Update(runner),
        });
        root.Subcommands.Add(new Command("delete", "Delete an app, a fn or a trigger.")
        {
            AppCommands.Delete(runner), FnCommands.Delete(runner), TriggerCommands.Delete(runner),
        });
        root.Subcommands.Add(ConfigCommands.Set(runner));
        root.Subcommands.Add(new Command("get", "Print one config entry.") { ConfigCommands.Get(runner) });
        root.Subcommands.Add(new Command("unset", "Remove one config entry.") { ConfigCommands.Unset(runner) });
        root.Subcommands.Add(InitCommand.Create(runner));
        root.Subcommands.Add(BuildCommand.Create(runner));
        root.Subcommands.Add(DeployCommand.Create(runner));
        root.Subcommands.Add(InvokeCommand.Create(runner, input, inputRedirected));
        root.Subcommands.Add(CallCommands.Create(runner));
        root.Subcommands.Add(KeyCommands.Create(runner));
        root.Subcommands.Add(LogsCommand.Create(runner));
        root.Subcommands.Add(VersionCommand.Create(runner));

        return await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }
}
