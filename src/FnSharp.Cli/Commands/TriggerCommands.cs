using System.CommandLine;
using FnSharp.Core.Models;

namespace FnSharp.Cli.Commands;

/// <summary>
/// <c>create trigger</c>, <c>list triggers</c>, <c>inspect trigger</c>, <c>update trigger</c>,
/// <c>delete trigger</c>: a trigger is addressed as APP FN NAME, as in Fn's CLI.
/// </summary>
internal static class TriggerCommands
{
    public static Command Create(CommandRunner runner)
    {
        var (app, fn, name) = Address();
        var source = new Option<string?>("--source", "-s") { Description = "The path under /t/APP that calls the fn, starting with '/' (default: /NAME)." };
        var type = new Option<string>("--type", "-t") { Description = "The trigger's type; only http exists.", DefaultValueFactory = _ => Trigger.HttpType };
        var command = Noun.Trigger.Command("Create a trigger that calls a fn.\n\nExample:\n  fnsharp create trigger myapp hello hello-http --source /hello", app, fn, name, source, type, runner.Options.Annotation);
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            var annotations = Annotations.Parse(parse.GetValue(runner.Options.Annotation));
            var (owner, target) = await context.FindFnAsync(parse.GetValue(app)!, parse.GetValue(fn)!, cancellationToken);
            var triggerName = parse.GetValue(name)!;
            var trigger = await context.Client.CreateTriggerAsync(
                new Trigger
                {
                    AppId = owner.Id,
                    FnId = target.Id,
                    Name = triggerName,
                    Type = parse.GetValue(type)!,
                    Source = parse.GetValue(source) ?? "/" + triggerName,
                    Annotations = annotations,
                },
                cancellationToken);
            await ResourcePrinter.DoneAsync(context, $"Successfully created trigger: {trigger.Name}", trigger);
            if (!context.Json && ResourcePrinter.Endpoint(trigger) is { } endpoint)
            {
                await context.Output.WriteLineAsync($"Trigger Endpoint: {endpoint}");
            }

            return 0;
        });
        return command;
    }

    public static Command List(CommandRunner runner)
    {
        var app = new Argument<string>("app") { Description = "The app's name." };
        var fn = new Argument<string?>("fn") { Description = "Only this fn's triggers (optional).", Arity = ArgumentArity.ZeroOrOne };
        var command = Noun.Trigger.ListCommand("List the triggers of an app, or of one of its fns.\n\nExamples:\n  fnsharp list triggers myapp\n  fnsharp list triggers myapp hello --output json", app, fn);
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            var owner = await context.FindAppAsync(parse.GetValue(app)!, cancellationToken);
            var fnName = parse.GetValue(fn);
            var fnId = fnName is null ? null : (await context.FindFnAsync(owner.Name, fnName, cancellationToken)).Fn.Id;
            var triggers = await AllPages.ReadAsync(cursor => context.Client.ListTriggersAsync(appId: owner.Id, fnId: fnId, cursor: cursor, perPage: AllPages.PageSize, cancellationToken: cancellationToken));

            var fnNames = new Dictionary<string, string>(StringComparer.Ordinal);
            if (!context.Json && triggers.Count > 0)
            {
                foreach (var f in await AllPages.ReadAsync(cursor => context.Client.ListFnsAsync(appId: owner.Id, cursor: cursor, perPage: AllPages.PageSize, cancellationToken: cancellationToken)))
                {
                    fnNames[f.Id] = f.Name;
                }
            }

            await ResourcePrinter.TriggersAsync(context, triggers, fnNames);
            return 0;
        });
        return command;
    }

    public static Command Inspect(CommandRunner runner)
    {
        var (app, fn, name) = Address();
        var field = InspectField.Argument();
        var command = Noun.Trigger.Command("Print a trigger's fields, or one field.\n\nExamples:\n  fnsharp inspect trigger myapp hello hello-http\n  fnsharp inspect trigger myapp hello hello-http source", app, fn, name, field);
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            var (owner, target, trigger) = await context.FindTriggerAsync(parse.GetValue(app)!, parse.GetValue(fn)!, parse.GetValue(name)!, cancellationToken);
            await InspectField.PrintAsync(context, trigger, parse.GetValue(field), ["trigger", owner.Name, target.Name, trigger.Name]);
            return 0;
        });
        return command;
    }

    public static Command Update(CommandRunner runner)
    {
        var (app, fn, name) = Address();
        var source = new Option<string?>("--source", "-s") { Description = "The trigger's new path, starting with '/'." };
        var command = Noun.Trigger.Command("Update a trigger's source or annotations (annotations are merged in).\n\nExample:\n  fnsharp update trigger myapp hello hello-http --source /v2/hello", app, fn, name, source, runner.Options.Annotation);
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            var annotations = Annotations.Parse(parse.GetValue(runner.Options.Annotation));
            var (_, _, current) = await context.FindTriggerAsync(parse.GetValue(app)!, parse.GetValue(fn)!, parse.GetValue(name)!, cancellationToken);
            var trigger = await context.Client.UpdateTriggerAsync(new Trigger { Id = current.Id, Source = parse.GetValue(source) ?? "", Annotations = annotations }, cancellationToken);
            await ResourcePrinter.DoneAsync(context, $"Successfully updated trigger: {trigger.Name}", trigger);
            return 0;
        });
        return command;
    }

    public static Command Delete(CommandRunner runner)
    {
        var (app, fn, name) = Address();
        var command = Noun.Trigger.Command("Delete a trigger.\n\nExample:\n  fnsharp delete trigger myapp hello hello-http", app, fn, name);
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            var (_, _, trigger) = await context.FindTriggerAsync(parse.GetValue(app)!, parse.GetValue(fn)!, parse.GetValue(name)!, cancellationToken);
            await context.Client.DeleteTriggerAsync(trigger.Id, cancellationToken);
            await ResourcePrinter.DoneAsync(context, $"Successfully deleted trigger: {trigger.Name}", trigger);
            return 0;
        });
        return command;
    }

    private static (Argument<string> App, Argument<string> Fn, Argument<string> Name) Address() =>
        (new Argument<string>("app") { Description = "The app's name." },
         new Argument<string>("fn") { Description = "The fn's name." },
         new Argument<string>("name") { Description = "The trigger's name." });
}
