namespace FnSharp.Cli.Commands;

/// <summary>
/// <c>create trigger</c>, <c>list triggers</c>, <c>inspect trigger</c>, <c>update trigger</c>,
/// <c>delete trigger</c>, <c>pause trigger</c>, <c>resume trigger</c>: a trigger is addressed as APP FN
/// NAME, as in Fn's CLI. Cron triggers (<c>--type cron --source '0 */5 * * * *'</c>) show their next run times;
/// nats triggers (<c>--type nats --source orders.created</c>) call the fn for each message on the subject.
/// </summary>
internal static class TriggerCommands
{
    public static Command Create(CommandRunner runner)
    {
        var (app, fn, name) = Address();
        var source = new Option<string?>("--source", "-s") { Description = "For http, the path under /t/APP that calls the fn, starting with '/' (default: /NAME); for cron, the schedule: 5 fields, 6 with seconds first, or a macro such as @daily; for nats, the subject, such as orders.created." };
        var type = new Option<string>("--type", "-t") { Description = "The trigger's type: http (calls over HTTP), cron (calls on a schedule, detached) or nats (a detached call per NATS message; the server needs FN_NATS_URL).", DefaultValueFactory = _ => Trigger.HttpType };
        var zone = new Option<string?>("--timezone", "-z") { Description = "For cron, the IANA time zone of the schedule (default: UTC), such as Europe/Paris." };
        var command = Noun.Trigger.Command(
            "Create a trigger that calls a fn.\n\nExamples:\n  fnsharp create trigger myapp hello hello-http --source /hello\n  fnsharp create trigger myapp report every-5-min --type cron --source '0 */5 * * * *'\n  fnsharp create trigger myapp report nightly --type cron --source '30 2 * * *' --timezone Europe/Paris\n  fnsharp create trigger myapp orders on-order --type nats --source orders.created",
            app,
            fn,
            name,
            source,
            type,
            zone,
            runner.Options.Annotation);
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            var annotations = Annotations.Parse(parse.GetValue(runner.Options.Annotation));
            var triggerType = parse.GetValue(type)!;
            if (triggerType == Trigger.CronType && parse.GetValue(source) is null)
            {
                throw new CliException("a cron trigger needs its schedule: --source '0 */5 * * * *' (5 fields, or 6 with seconds first)");
            }

            if (triggerType == Trigger.NatsType && parse.GetValue(source) is null)
            {
                throw new CliException("a nats trigger needs its subject: --source orders.created");
            }

            if (parse.GetValue(zone) is { } timezone)
            {
                annotations[FnSharpAnnotations.CronTimezone] = StringElement(timezone);
            }

            var (owner, target) = await context.FindFnAsync(parse.GetValue(app)!, parse.GetValue(fn)!, cancellationToken);
            var triggerName = parse.GetValue(name)!;
            var trigger = await context.Client.CreateTriggerAsync(
                new Trigger
                {
                    AppId = owner.Id,
                    FnId = target.Id,
                    Name = triggerName,
                    Type = triggerType,
                    Source = parse.GetValue(source) ?? "/" + triggerName,
                    Annotations = annotations,
                },
                cancellationToken);
            await ResourcePrinter.DoneAsync(context, $"Successfully created trigger: {trigger.Name}", trigger);
            if (!context.Json && ResourcePrinter.Endpoint(trigger) is { } endpoint)
            {
                await context.Output.WriteLineAsync($"Trigger Endpoint: {endpoint}");
            }

            if (!context.Json && trigger.Type == Trigger.CronType)
            {
                await context.Output.WriteLineAsync(ResourcePrinter.NextRunsLine(trigger));
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

    /// <summary><c>pause trigger APP FN NAME</c>: sets <c>fnsharp.io/cron-paused</c> to <c>"true"</c>; its ticks make no calls until it is resumed.</summary>
    public static Command Pause(CommandRunner runner) => SetPaused(runner, paused: true, "Pause a cron trigger: its ticks make no calls until it is resumed.\n\nExample:\n  fnsharp pause trigger myapp report nightly");

    /// <summary><c>resume trigger APP FN NAME</c>: sets <c>fnsharp.io/cron-paused</c> to <c>"false"</c>; the ticks missed while paused are not run.</summary>
    public static Command Resume(CommandRunner runner) => SetPaused(runner, paused: false, "Resume a paused cron trigger; the ticks it missed while paused are not run.\n\nExample:\n  fnsharp resume trigger myapp report nightly");

    private static Command SetPaused(CommandRunner runner, bool paused, string description)
    {
        var (app, fn, name) = Address();
        var command = Noun.Trigger.Command(description, app, fn, name);
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            var (_, _, current) = await context.FindTriggerAsync(parse.GetValue(app)!, parse.GetValue(fn)!, parse.GetValue(name)!, cancellationToken);
            if (current.Type != Trigger.CronType)
            {
                throw new CliException($"trigger '{current.Name}' is of type {current.Type}: only cron triggers are paused and resumed");
            }

            var value = StringElement(paused ? "true" : "false");
            var trigger = await context.Client.UpdateTriggerAsync(new Trigger { Id = current.Id, Annotations = new Dictionary<string, JsonElement> { [FnSharpAnnotations.CronPaused] = value } }, cancellationToken);
            await ResourcePrinter.DoneAsync(context, paused ? $"Paused trigger: {trigger.Name}" : $"Resumed trigger: {trigger.Name}; next runs (UTC): {string.Join(", ", ResourcePrinter.NextRuns(trigger))}", trigger);
            return 0;
        });
        return command;
    }

    private static (Argument<string> App, Argument<string> Fn, Argument<string> Name) Address() =>
        (new Argument<string>("app") { Description = "The app's name." },
         new Argument<string>("fn") { Description = "The fn's name." },
         new Argument<string>("name") { Description = "The trigger's name." });

    private static JsonElement StringElement(string value)
    {
        using var document = JsonDocument.Parse($"\"{JsonEncodedText.Encode(value)}\"");
        return document.RootElement.Clone();
    }
}
