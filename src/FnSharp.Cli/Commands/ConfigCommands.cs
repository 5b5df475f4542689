namespace FnSharp.Cli.Commands;

/// <summary>
/// Config of apps and fns in Fn's CLI shapes: <c>config app|fn ... KEY VALUE</c>,
/// <c>get config app|fn ... KEY</c>, <c>unset config app|fn ... KEY</c>, <c>list config app|fn ...</c>.
/// Each change is a PUT that merges one entry (an empty value removes it, as in Fn's API). Each verb has
/// the same subcommand for an app and a fn; only their help differs.
/// </summary>
internal static class ConfigCommands
{
    /// <summary><c>config app APP KEY VALUE</c> and <c>config fn APP FN KEY VALUE</c>.</summary>
    public static Command Set(CommandRunner runner) => Noun.Define(
        new Command("config", "Set a config entry of an app or a fn."),
        SetOf(runner, Noun.App, "Set a config entry of an app; its fns see it as an environment variable.\n\nExample:\n  fnsharp config app myapp DB_URL postgres://db/orders"),
        SetOf(runner, Noun.Fn, "Set a config entry of a fn; it wins over the app's entry of the same key.\n\nExample:\n  fnsharp config fn myapp hello GREETING hi"));

    /// <summary><c>get config app APP KEY</c> and <c>get config fn APP FN KEY</c>: prints the value alone.</summary>
    public static Command Get(CommandRunner runner) => Noun.Define(
        Noun.Config.Command("Print one config entry of an app or a fn."),
        GetOf(runner, Noun.App, "Print the value of an app's config entry.\n\nExample:\n  fnsharp get config app myapp DB_URL"),
        GetOf(runner, Noun.Fn, "Print the value of a fn's own config entry (not the app's).\n\nExample:\n  fnsharp get config fn myapp hello GREETING"));

    /// <summary><c>unset config app APP KEY</c> and <c>unset config fn APP FN KEY</c>.</summary>
    public static Command Unset(CommandRunner runner) => Noun.Define(
        Noun.Config.Command("Remove a config entry of an app or a fn; a key that is not set is nothing to do (exit 0)."),
        UnsetOf(runner, Noun.App, "Remove an app's config entry.\n\nExample:\n  fnsharp unset config app myapp DB_URL"),
        UnsetOf(runner, Noun.Fn, "Remove a fn's config entry.\n\nExample:\n  fnsharp unset config fn myapp hello GREETING"));

    /// <summary><c>list config app APP</c> and <c>list config fn APP FN</c>.</summary>
    public static Command List(CommandRunner runner) => Noun.Define(
        Noun.Config.Command("List the config entries of an app or a fn."),
        ListOf(runner, Noun.App, "List an app's config entries.\n\nExample:\n  fnsharp list config app myapp --output json"),
        ListOf(runner, Noun.Fn, "List a fn's own config entries (not the app's).\n\nExample:\n  fnsharp list config fn myapp hello"));

    private static Command SetOf(CommandRunner runner, Noun noun, string description)
    {
        var (key, value) = (KeyArgument(), new Argument<string>("value") { Description = "The value." });
        return OwnerCommand(runner, noun, description, [key, value], async (owner, parse, context, cancellationToken) =>
        {
            var (name, text) = (parse.GetValue(key)!, parse.GetValue(value)!);
            await owner.UpdateAsync(Entry(name, text), cancellationToken);
            await (context.Json ? context.WriteJsonAsync(new ConfigEntry(name, text)) : context.Output.WriteLineAsync($"{owner.Name} updated {name} with {text}"));
        });
    }

    private static Command GetOf(CommandRunner runner, Noun noun, string description)
    {
        var key = KeyArgument();
        return OwnerCommand(runner, noun, description, [key], async (owner, parse, context, _) =>
        {
            var name = parse.GetValue(key)!;
            if (!owner.Config.TryGetValue(name, out var value))
            {
                throw new CliException($"config key '{name}' not found in {owner.Label}", $"See its config: {context.Command(["list", "config", .. owner.Words])}");
            }

            await (context.Json ? context.WriteJsonAsync(new ConfigEntry(name, value)) : context.Output.WriteLineAsync(value));
        });
    }

    /// <summary>As Fn's <c>unset config</c>: a key that is not set is nothing to do, and no error.</summary>
    private static Command UnsetOf(CommandRunner runner, Noun noun, string description)
    {
        var key = KeyArgument();
        return OwnerCommand(runner, noun, description, [key], async (owner, parse, context, cancellationToken) =>
        {
            var name = parse.GetValue(key)!;
            var removed = owner.Config.ContainsKey(name);
            if (removed)
            {
                await owner.UpdateAsync(Entry(name, ""), cancellationToken);
            }

            await (context.Json ? context.WriteJsonAsync(new ConfigEntry(name, null))
                : context.Output.WriteLineAsync(removed ? $"Removed key '{name}' from {owner.Label}" : $"Config key '{name}' is not set in {owner.Label}. Nothing to do."));
        });
    }

    private static Command ListOf(CommandRunner runner, Noun noun, string description) =>
        OwnerCommand(runner, noun, description, [], (owner, _, context, _) => ResourcePrinter.ConfigAsync(context, owner.Config));

    /// <summary>The subcommand of <paramref name="noun"/> with the owner's arguments, then <paramref name="arguments"/>, whose action runs on the owner they name.</summary>
    private static Command OwnerCommand(
        CommandRunner runner, Noun noun, string description, Argument<string>[] arguments, Func<ConfigOwner, ParseResult, CliContext, CancellationToken, Task> action)
    {
        var owner = new ConfigOwnerArguments(noun);
        var command = noun.Command(description, [.. owner.All, .. arguments]);
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            await action(await owner.FindAsync(parse, context, cancellationToken), parse, context, cancellationToken);
            return 0;
        });
        return command;
    }

    private static Argument<string> KeyArgument() => new("key") { Description = "The config key." };

    private static Dictionary<string, string> Entry(string key, string value) =>
        key.Length == 0 ? throw CliException.Usage("the config key is empty") : new(StringComparer.Ordinal) { [key] = value };
}
