namespace FnSharp.Cli.Commands;

/// <summary><c>create app</c>, <c>list apps</c>, <c>inspect app</c>, <c>update app</c>, <c>delete app</c>.</summary>
internal static class AppCommands
{
    public static Command Create(CommandRunner runner)
    {
        var name = new Argument<string>("name") { Description = "The app's name: letters, digits, '_' or '-'." };
        var command = Noun.App.Command("Create an app.\n\nExample:\n  fnsharp create app myapp --config DB_URL=postgres://db/orders --annotation team='\"payments\"'", name, runner.Options.Config, runner.Options.Annotation);
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            var config = KeyValues.Parse(parse.GetValue(runner.Options.Config));
            var annotations = Annotations.Parse(parse.GetValue(runner.Options.Annotation));
            var app = await context.Client.CreateAppAsync(new App { Name = parse.GetValue(name)!, Config = config, Annotations = annotations }, cancellationToken);
            await ResourcePrinter.DoneAsync(context, $"Successfully created app: {app.Name}", app);
            return 0;
        });
        return command;
    }

    public static Command List(CommandRunner runner)
    {
        var command = Noun.App.ListCommand("List the apps, by name.\n\nExample:\n  fnsharp list apps --output json");
        runner.SetAction(command, async (_, context, cancellationToken) =>
        {
            var apps = await AllPages.ReadAsync(cursor => context.Client.ListAppsAsync(cursor: cursor, perPage: AllPages.PageSize, cancellationToken: cancellationToken));

            await ResourcePrinter.AppsAsync(context, apps);
            return 0;
        });
        return command;
    }

    public static Command Inspect(CommandRunner runner)
    {
        var name = new Argument<string>("name") { Description = "The app's name." };
        var field = InspectField.Argument();
        var command = Noun.App.Command("Print an app's fields, or one field.\n\nExamples:\n  fnsharp inspect app myapp\n  fnsharp inspect app myapp config.DB_URL\n  fnsharp inspect app myapp --output json", name, field);
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            var app = await context.FindAppAsync(parse.GetValue(name)!, cancellationToken);
            await InspectField.PrintAsync(context, app, parse.GetValue(field), ["app", app.Name]);
            return 0;
        });
        return command;
    }

    public static Command Update(CommandRunner runner)
    {
        var name = new Argument<string>("name") { Description = "The app's name." };
        var syslog = new Option<string?>("--syslog-url") { Description = "Where the app's fns send their logs (udp, tcp, unix, unixgram or tcp+tls URL); \"\" clears it." };
        var command = Noun.App.Command("Update an app: config entries and annotations are merged in; KEY= (empty value) removes a config entry.\n\nExample:\n  fnsharp update app myapp --config LOG_LEVEL=debug --annotation team='\"payments\"'", name, syslog, runner.Options.Config, runner.Options.Annotation);
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            var config = KeyValues.Parse(parse.GetValue(runner.Options.Config));
            var annotations = Annotations.Parse(parse.GetValue(runner.Options.Annotation));
            var current = await context.FindAppAsync(parse.GetValue(name)!, cancellationToken);
            var app = await context.Client.UpdateAppAsync(new App { Id = current.Id, Config = config, Annotations = annotations, SyslogUrl = parse.GetValue(syslog) }, cancellationToken);
            await ResourcePrinter.DoneAsync(context, $"Successfully updated app: {app.Name}", app);
            return 0;
        });
        return command;
    }

    public static Command Delete(CommandRunner runner)
    {
        var name = new Argument<string>("name") { Description = "The app's name." };
        var command = Noun.App.Command("Delete an app with all its fns and triggers.\n\nExample:\n  fnsharp delete app myapp", name);
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            var app = await context.FindAppAsync(parse.GetValue(name)!, cancellationToken);
            await context.Client.DeleteAppAsync(app.Id, cancellationToken);
            await ResourcePrinter.DoneAsync(context, $"Successfully deleted app: {app.Name}", app);
            return 0;
        });
        return command;
    }
}
