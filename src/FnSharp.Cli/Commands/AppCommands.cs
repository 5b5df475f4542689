using System.CommandLine;
using FnSharp.Core.Models;

namespace FnSharp.Cli.Commands;

/// <summary><c>create app</c>, <c>list apps</c>, <c>inspect app</c>.</summary>
internal static class AppCommands
{
    public static Command Create(CommandRunner runner)
    {
        var name = new Argument<string>("name") { Description = "The app's name: letters, digits, '_' or '-'." };
        var command = new Command("app", "Create an app.\n\nExample:\n  fnsharp create app myapp --config DB_URL=postgres://db/orders") { name, runner.Options.Config };
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            var app = await context.Client.CreateAppAsync(new App { Name = parse.GetValue(name)!, Config = KeyValues.Parse(parse.GetValue(runner.Options.Config)) }, cancellationToken);
            await context.Output.WriteLineAsync($"Successfully created app: {app.Name}");
            return 0;
        });
        return command;
    }

    public static Command List(CommandRunner runner)
    {
        var command = new Command("apps", "List the apps, by name.\n\nExample:\n  fnsharp list apps --output json");
        runner.SetAction(command, async (_, context, cancellationToken) =>
        {
            var apps = new List<App>();
            string? cursor = null;
            do
            {
                var page = await context.Client.ListAppsAsync(cursor: cursor, perPage: 100, cancellationToken: cancellationToken);
                apps.AddRange(page.Items);
                cursor = page.NextCursor;
            }
            while (cursor is not null);

            await ResourcePrinter.AppsAsync(context, apps);
            return 0;
        });
        return command;
    }

    public static Command Inspect(CommandRunner runner)
    {
        var name = new Argument<string>("name") { Description = "The app's name." };
        var command = new Command("app", "Print an app as JSON.\n\nExample:\n  fnsharp inspect app myapp") { name };
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            await ResourcePrinter.OneAsync(context, await context.FindAppAsync(parse.GetValue(name)!, cancellationToken));
            return 0;
        });
        return command;
    }
}
