namespace FnSharp.Cli.Commands;

/// <summary>
/// <c>keys create|list|revoke</c>: FnSharp's API keys (an extension; Fn has none), with an admin key from
/// <c>--token</c>, <c>FN_TOKEN</c> or <c>token</c> in the config file. <c>create</c> prints the token once.
/// </summary>
internal static class KeyCommands
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("keys", "Create, list or revoke API keys (an admin key is needed).\n\nExamples:\n  fnsharp keys create --scope deploy:myapp --name \"ci deploys\"\n  fnsharp keys list\n  fnsharp keys revoke 01JD8ZQ3R6X4B0N9ZK1W2Y3T4V");
        command.Subcommands.Add(CreateKey(runner));
        command.Subcommands.Add(List(runner));
        command.Subcommands.Add(Revoke(runner));
        return command;
    }

    private static Command CreateKey(CommandRunner runner)
    {
        var scope = new Option<string[]>("--scope")
        {
            Description = "A scope: admin, deploy:APP or invoke:APP (APP an app's name or id); repeat for more.",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var name = new Option<string?>("--name") { Description = "What the key is for, shown in the audit log (default: created by fnsharp keys create)." };
        var command = new Command("create", "Create an API key and print its token, which the server shows only this once.\n\nExamples:\n  fnsharp keys create --scope admin --name ops\n  fnsharp keys create --scope invoke:myapp --scope deploy:staging")
        {
            scope, name,
        };
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            var key = await context.Client.CreateKeyAsync(parse.GetValue(name) ?? "created by fnsharp keys create", parse.GetValue(scope)!, cancellationToken);
            if (context.Json)
            {
                await context.Output.WriteLineAsync(JsonOutput.Resource(key).ToJsonString(JsonOutput.Options));
                return 0;
            }

            await context.Error.WriteLineAsync($"Created key {key.Id} ({key.Name}) with scopes {string.Join(", ", key.Scopes)}; its token, shown only now:");
            await context.Output.WriteLineAsync(key.Token);
            return 0;
        });
        return command;
    }

    private static Command List(CommandRunner runner)
    {
        var command = new Command("list", "List the API keys, oldest first, revoked ones included (never their tokens).\n\nExample:\n  fnsharp keys list");
        runner.SetAction(command, async (_, context, cancellationToken) =>
        {
            var keys = await AllPages.ReadAsync(cursor => context.Client.ListKeysAsync(cursor, AllPages.PageSize, cancellationToken));

            await ResourcePrinter.ListAsync(context, keys, null, ["ID", "NAME", "SCOPES", "CREATED", "REVOKED"], k =>
                [k.Id, k.Name, string.Join(' ', k.Scopes), Time(k.CreatedAt), k.RevokedAt is { } at ? Time(at) : ""]);
            return 0;
        });
        return command;
    }

    private static Command Revoke(CommandRunner runner)
    {
        var id = new Argument<string>("KEY_ID") { Description = "The key's id, as keys list prints it." };
        var command = new Command("revoke", "Revoke an API key: it stops working at once on every server sharing the store.\n\nExample:\n  fnsharp keys revoke 01JD8ZQ3R6X4B0N9ZK1W2Y3T4V") { id };
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            await context.Client.RevokeKeyAsync(parse.GetValue(id)!, cancellationToken);
            await context.Error.WriteLineAsync($"Revoked key {parse.GetValue(id)}");
            return 0;
        });
        return command;
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
