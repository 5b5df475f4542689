namespace FnSharp.Cli.Commands;

/// <summary><c>create fn</c>, <c>list fns</c>, <c>inspect fn</c>, <c>update fn</c>, <c>delete fn</c>.</summary>
internal static class FnCommands
{
    public static Command Create(CommandRunner runner)
    {
        var app = new Argument<string>("app") { Description = "The app's name." };
        var name = new Argument<string>("name") { Description = "The fn's name, unique in the app." };
        var image = new Argument<string>("image") { Description = "The fn's container image, for example fnsharp/hello-csharp:latest." };
        var limits = new FnLimitOptions(creating: true);
        var command = Noun.Fn.Command("Create a fn in an app.\n\nExample:\n  fnsharp create fn myapp hello fnsharp/hello-csharp:latest --memory 64", [app, name, image, .. limits.With(runner.Options)]);
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            var fields = limits.Read(parse, runner.Options);
            var owner = await context.FindAppAsync(parse.GetValue(app)!, cancellationToken);
            var fn = await context.Client.CreateFnAsync(fields with { AppId = owner.Id, Name = parse.GetValue(name)!, Image = parse.GetValue(image)! }, cancellationToken);
            await ResourcePrinter.DoneAsync(context, $"Successfully created fn: {fn.Name} ({fn.Id})", fn);
            return 0;
        });
        return command;
    }

    public static Command List(CommandRunner runner)
    {
        var app = new Argument<string>("app") { Description = "The app's name." };
        var command = Noun.Fn.ListCommand("List the fns of an app, by name.\n\nExamples:\n  fnsharp list fns myapp\n  fnsharp list functions myapp --output json", app);
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            var owner = await context.FindAppAsync(parse.GetValue(app)!, cancellationToken);
            var fns = await AllPages.ReadAsync(cursor => context.Client.ListFnsAsync(appId: owner.Id, cursor: cursor, perPage: AllPages.PageSize, cancellationToken: cancellationToken));

            await ResourcePrinter.FnsAsync(context, fns);
            return 0;
        });
        return command;
    }

    public static Command Inspect(CommandRunner runner)
    {
        var app = new Argument<string>("app") { Description = "The app's name." };
        var name = new Argument<string>("name") { Description = "The fn's name." };
        var field = InspectField.Argument();
        var command = Noun.Fn.Command("Print a fn's fields, or one field.\n\nExamples:\n  fnsharp inspect fn myapp hello\n  fnsharp inspect fn myapp hello image\n  fnsharp inspect fn myapp hello annotations.fnproject.io/fn/invokeEndpoint\n  fnsharp inspect fn myapp hello --output json", app, name, field);
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            var (owner, fn) = await context.FindFnAsync(parse.GetValue(app)!, parse.GetValue(name)!, cancellationToken);
            await InspectField.PrintAsync(context, fn, parse.GetValue(field), ["fn", owner.Name, fn.Name]);
            return 0;
        });
        return command;
    }

    public static Command Update(CommandRunner runner)
    {
        var app = new Argument<string>("app") { Description = "The app's name." };
        var name = new Argument<string>("name") { Description = "The fn's name." };
        var image = new Argument<string?>("image") { Description = "The fn's new container image (optional).", Arity = ArgumentArity.ZeroOrOne };
        var limits = new FnLimitOptions(creating: false);
        var command = Noun.Fn.Command("Update a fn: what is given replaces its value; config entries and annotations are merged in, and KEY= (empty value) removes a config entry.\n\nExample:\n  fnsharp update fn myapp hello fnsharp/hello-csharp:0.0.2 --memory 256 --config GREETING=hi", [app, name, image, .. limits.With(runner.Options)]);
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            var fields = limits.Read(parse, runner.Options);
            var (_, current) = await context.FindFnAsync(parse.GetValue(app)!, parse.GetValue(name)!, cancellationToken);
            var fn = await context.Client.UpdateFnAsync(fields with { Id = current.Id, Image = parse.GetValue(image) ?? "" }, cancellationToken);
            await ResourcePrinter.DoneAsync(context, $"Successfully updated fn: {fn.Name} ({fn.Id})", fn);
            return 0;
        });
        return command;
    }

    public static Command Delete(CommandRunner runner)
    {
        var app = new Argument<string>("app") { Description = "The app's name." };
        var name = new Argument<string>("name") { Description = "The fn's name." };
        var command = Noun.Fn.Command("Delete a fn with its triggers.\n\nExample:\n  fnsharp delete fn myapp hello", app, name);
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            var (_, fn) = await context.FindFnAsync(parse.GetValue(app)!, parse.GetValue(name)!, cancellationToken);
            await context.Client.DeleteFnAsync(fn.Id, cancellationToken);
            await ResourcePrinter.DoneAsync(context, $"Successfully deleted fn: {fn.Name}", fn);
            return 0;
        });
        return command;
    }
}
