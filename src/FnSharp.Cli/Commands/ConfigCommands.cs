namespace FnSharp.Cli.Commands;

/// <summary>
/// Config of apps and fns in Fn's CLI shapes: <c>config app|fn ... KEY VALUE</c>,
/// <c>get config app|fn ... KEY</c>, <c>unset config app|fn ... KEY</c>, <c>list config app|fn ...</c>.
/// Each change is a PUT that merges one entry (an empty value removes it, as in Fn's API).
/// </summary>
internal static class ConfigCommands
{
    /// <summary><c>config app APP KEY VALUE</c> and <c>config fn APP FN KEY VALUE</c>.</summary>
    public static Command Set(CommandRunner runner)
    {
        var command = new Command("config", "Set a config entry of an app or a fn.");
        {
            var (app, key) = (AppArgument(), KeyArgument());
            var value = new Argument<string>("value") { Description = "The value." };
            var sub = Noun.App.Command("Set a config entry of an app; its fns see it as an environment variable.\n\nExample:\n  fnsharp config app myapp DB_URL postgres://db/orders", app, key, value);
            runner.SetAction(sub, async (parse, context, cancellationToken) =>
            {
                var target = await context.FindAppAsync(parse.GetValue(app)!, cancellationToken);
                await context.Client.UpdateAppAsync(new App { Id = target.Id, Config = Entry(parse.GetValue(key)!, parse.GetValue(value)!) }, cancellationToken);
                await SetAsync(context, target.Name, parse.GetValue(key)!, parse.GetValue(value)!);
                return 0;
            });
            command.Subcommands.Add(sub);
        }

        {
            var (app, fn, key) = (AppArgument(), FnArgument(), KeyArgument());
            var value = new Argument<string>("value") { Description = "The value." };
            var sub = Noun.Fn.Command("Set a config entry of a fn; it wins over the app's entry of the same key.\n\nExample:\n  fnsharp config fn myapp hello GREETING hi", app, fn, key, value);
            runner.SetAction(sub, async (parse, context, cancellationToken) =>
            {
                var (_, target) = await context.FindFnAsync(parse.GetValue(app)!, parse.GetValue(fn)!, cancellationToken);
                await context.Client.UpdateFnAsync(new Fn { Id = target.Id, Config = Entry(parse.GetValue(key)!, parse.GetValue(value)!) }, cancellationToken);
                await SetAsync(context, target.Name, parse.GetValue(key)!, parse.GetValue(value)!);
                return 0;
            });
            command.Subcommands.Add(sub);
        }

        return command;
    }

    /// <summary><c>get config app APP KEY</c> and <c>get config fn APP FN KEY</c>: prints the value alone.</summary>
    public static Command Get(CommandRunner runner)
    {
        var command = Noun.Config.Command("Print one config entry of an app or a fn.");
        {
            var (app, key) = (AppArgument(), KeyArgument());
            var sub = Noun.App.Command("Print the value of an app's config entry.\n\nExample:\n  fnsharp get config app myapp DB_URL", app, key);
            runner.SetAction(sub, async (parse, context, cancellationToken) =>
            {
                var target = await context.FindAppAsync(parse.GetValue(app)!, cancellationToken);
                await GetAsync(context, target.Config, parse.GetValue(key)!, $"app '{target.Name}'", ["app", target.Name]);
                return 0;
            });
            command.Subcommands.Add(sub);
        }

        {
            var (app, fn, key) = (AppArgument(), FnArgument(), KeyArgument());
            var sub = Noun.Fn.Command("Print the value of a fn's own config entry (not the app's).\n\nExample:\n  fnsharp get config fn myapp hello GREETING", app, fn, key);
            runner.SetAction(sub, async (parse, context, cancellationToken) =>
            {
                var (owner, target) = await context.FindFnAsync(parse.GetValue(app)!, parse.GetValue(fn)!, cancellationToken);
                await GetAsync(context, target.Config, parse.GetValue(key)!, $"fn '{target.Name}'", ["fn", owner.Name, target.Name]);
                return 0;
            });
            command.Subcommands.Add(sub);
        }

        return command;
    }

    /// <summary><c>unset config app APP KEY</c> and <c>unset config fn APP FN KEY</c>.</summary>
    public static Command Unset(CommandRunner runner)
    {
        var command = Noun.Config.Command("Remove a config entry of an app or a fn; a key that is not set is nothing to do (exit 0).");
        {
            var (app, key) = (AppArgument(), KeyArgument());
            var sub = Noun.App.Command("Remove an app's config entry.\n\nExample:\n  fnsharp unset config app myapp DB_URL", app, key);
            runner.SetAction(sub, async (parse, context, cancellationToken) =>
            {
                var target = await context.FindAppAsync(parse.GetValue(app)!, cancellationToken);
                var name = parse.GetValue(key)!;
                if (target.Config.ContainsKey(name))
                {
                    await context.Client.UpdateAppAsync(new App { Id = target.Id, Config = Entry(name, "") }, cancellationToken);
                }

                await UnsetAsync(context, name, target.Config.ContainsKey(name), $"app '{target.Name}'");
                return 0;
            });
            command.Subcommands.Add(sub);
        }

        {
            var (app, fn, key) = (AppArgument(), FnArgument(), KeyArgument());
            var sub = Noun.Fn.Command("Remove a fn's config entry.\n\nExample:\n  fnsharp unset config fn myapp hello GREETING", app, fn, key);
            runner.SetAction(sub, async (parse, context, cancellationToken) =>
            {
                var (_, target) = await context.FindFnAsync(parse.GetValue(app)!, parse.GetValue(fn)!, cancellationToken);
                var name = parse.GetValue(key)!;
                if (target.Config.ContainsKey(name))
                {
                    await context.Client.UpdateFnAsync(new Fn { Id = target.Id, Config = Entry(name, "") }, cancellationToken);
                }

                await UnsetAsync(context, name, target.Config.ContainsKey(name), $"fn '{target.Name}'");
                return 0;
            });
            command.Subcommands.Add(sub);
        }

        return command;
    }

    /// <summary><c>list config app APP</c> and <c>list config fn APP FN</c>.</summary>
    public static Command List(CommandRunner runner)
    {
        var command = Noun.Config.Command("List the config entries of an app or a fn.");
        {
            var app = AppArgument();
            var sub = Noun.App.Command("List an app's config entries.\n\nExample:\n  fnsharp list config app myapp --output json", app);
            runner.SetAction(sub, async (parse, context, cancellationToken) =>
            {
                await ResourcePrinter.ConfigAsync(context, (await context.FindAppAsync(parse.GetValue(app)!, cancellationToken)).Config);
                return 0;
            });
            command.Subcommands.Add(sub);
        }

        {
            var (app, fn) = (AppArgument(), FnArgument());
            var sub = Noun.Fn.Command("List a fn's own config entries (not the app's).\n\nExample:\n  fnsharp list config fn myapp hello", app, fn);
            runner.SetAction(sub, async (parse, context, cancellationToken) =>
            {
                await ResourcePrinter.ConfigAsync(context, (await context.FindFnAsync(parse.GetValue(app)!, parse.GetValue(fn)!, cancellationToken)).Fn.Config);
                return 0;
            });
            command.Subcommands.Add(sub);
        }

        return command;
    }

    private static Argument<string> AppArgument() => new("app") { Description = "The app's name." };

    private static Argument<string> FnArgument() => new("fn") { Description = "The fn's name." };

    private static Argument<string> KeyArgument() => new("key") { Description = "The config key." };

    private static Dictionary<string, string> Entry(string key, string value) =>
        key.Length == 0 ? throw CliException.Usage("the config key is empty") : new(StringComparer.Ordinal) { [key] = value };

    private static Task SetAsync(CliContext context, string owner, string key, string value) =>
        context.Json ? context.WriteJsonAsync(new ConfigEntry(key, value)) : context.Output.WriteLineAsync($"{owner} updated {key} with {value}");

    private static Task GetAsync(CliContext context, IReadOnlyDictionary<string, string> config, string key, string owner, string[] words)
    {
        if (!config.TryGetValue(key, out var value))
        {
            throw new CliException($"config key '{key}' not found in {owner}", $"See its config: {context.Command(["list", "config", .. words])}");
        }

        return context.Json ? context.WriteJsonAsync(new ConfigEntry(key, value)) : context.Output.WriteLineAsync(value);
    }

    /// <summary>As Fn's <c>unset config</c>: a key that is not set is nothing to do, and no error.</summary>
    private static Task UnsetAsync(CliContext context, string key, bool removed, string owner) =>
        context.Json ? context.WriteJsonAsync(new ConfigEntry(key, null))
        : context.Output.WriteLineAsync(removed ? $"Removed key '{key}' from {owner}" : $"Config key '{key}' is not set in {owner}. Nothing to do.");
}
