using System.CommandLine;
using FnSharp.Cli.Functions;
using FnSharp.Cli.Images;
using FnSharp.Core.Models;

namespace FnSharp.Cli.Commands;

/// <summary>
/// <c>deploy --app APP</c>, as Fn's <c>fn deploy</c>: bumps the patch version of func.yaml, builds the
/// image, then creates or updates the fn and its triggers from func.yaml. The app is checked before the
/// build, so a wrong name costs no build; func.yaml is rewritten only once the image is built.
/// </summary>
internal static class DeployCommand
{
    public static Command Create(CommandRunner runner)
    {
        var options = new BuildOptions();
        var app = new Option<string>("--app", "-a") { Description = "The app to deploy to.", Required = true };
        var createApp = new Option<bool>("--create-app") { Description = "Create the app when it does not exist." };
        var noBump = new Option<bool>("--no-bump") { Description = "Keep the version of func.yaml instead of increasing its patch number." };
        var command = new Command(
            "deploy",
            "Deploy the function in the current directory (or --path): bump the patch version in func.yaml, build the image NAME:VERSION on the local Docker engine, " +
            "then create or update the fn (image, memory, timeout, idle_timeout, config and annotations, merged into what the fn has) and its triggers, by name, from func.yaml.\n\n" +
            "Examples:\n  fnsharp deploy --app myapp --create-app\n  fnsharp deploy --app myapp --path ./hello --no-bump")
        {
            app, createApp, noBump, options.Path, options.NoCache, options.Registry,
        };
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            var file = await options.ReadFuncFileAsync(parse, context);
            var bump = !parse.GetValue(noBump);
            var version = bump ? FuncFileVersion.Bump(file) : file.Version;
            var image = file.ImageName(options.ResolveRegistry(parse, context), version);
            FunctionBuilder.CheckFiles(file);
            var appName = parse.GetValue(app)!;
            var owner = await context.TryFindAppAsync(appName, cancellationToken);
            if (owner is null && !parse.GetValue(createApp))
            {
                throw new CliException($"app '{appName}' not found; pass --create-app to create it");
            }

            using var engine = await DockerEngine.ConnectAsync(context.Environment("DOCKER_HOST"), cancellationToken);
            await context.Output.WriteLineAsync($"Deploying {file.Name} to app: {appName}");
            await context.Output.WriteLineAsync($"Building image {image}");
            await FunctionBuilder.BuildAsync(file, image, parse.GetValue(options.NoCache), engine, context.Error, cancellationToken);
            if (bump)
            {
                await File.WriteAllTextAsync(file.Path, FuncFileVersion.Rewrite(file, version), cancellationToken);
                await context.Output.WriteLineAsync($"Bumped to version {version}");
            }

            if (owner is null)
            {
                owner = await context.Client.CreateAppAsync(new App { Name = appName }, cancellationToken);
                await context.Output.WriteLineAsync($"Successfully created app: {owner.Name}");
            }

            var fn = await DeployFnAsync(context, owner, file, image, cancellationToken);
            await DeployTriggersAsync(context, owner, fn, file, cancellationToken);
            return 0;
        });
        return command;
    }

    private static async Task<Fn> DeployFnAsync(CliContext context, App app, FuncFile file, string image, CancellationToken cancellationToken)
    {
        var existing = await context.TryFindFnAsync(app, file.Name, cancellationToken);
        var fn = new Fn
        {
            Id = existing?.Id ?? "",
            AppId = app.Id,
            Name = file.Name,
            Image = image,
            Memory = file.Memory,
            Timeout = file.Timeout,
            IdleTimeout = file.IdleTimeout,
            Config = file.Config,
            Annotations = file.Annotations,
        };
        if (existing is null)
        {
            fn = await context.Client.CreateFnAsync(fn, cancellationToken);
            await context.Output.WriteLineAsync($"Successfully created function: {fn.Name} with {fn.Image}");
        }
        else
        {
            fn = await context.Client.UpdateFnAsync(fn with { AppId = "", Name = "" }, cancellationToken);
            await context.Output.WriteLineAsync($"Successfully updated function: {fn.Name} with {fn.Image}");
        }

        return fn;
    }

    private static async Task DeployTriggersAsync(CliContext context, App app, Fn fn, FuncFile file, CancellationToken cancellationToken)
    {
        if (file.Triggers.Count == 0)
        {
            return;
        }

        var existing = new Dictionary<string, Trigger>(StringComparer.Ordinal);
        string? cursor = null;
        do
        {
            var page = await context.Client.ListTriggersAsync(appId: app.Id, fnId: fn.Id, cursor: cursor, perPage: 100, cancellationToken: cancellationToken);
            foreach (var trigger in page.Items)
            {
                existing[trigger.Name] = trigger;
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null);

        foreach (var wanted in file.Triggers)
        {
            Trigger trigger;
            if (existing.TryGetValue(wanted.Name, out var current))
            {
                if (current.Type != wanted.Type)
                {
                    throw new CliException($"trigger '{wanted.Name}' of fn '{fn.Name}' has type {current.Type}, and {file.Path} says {wanted.Type}; a trigger's type cannot change: delete it first (fnsharp delete trigger {app.Name} {fn.Name} {wanted.Name})");
                }

                trigger = current.Source == wanted.Source
                    ? current
                    : await context.Client.UpdateTriggerAsync(new Trigger { Id = current.Id, Source = wanted.Source }, cancellationToken);
                await context.Output.WriteLineAsync(current.Source == wanted.Source ? $"Trigger unchanged: {trigger.Name}" : $"Successfully updated trigger: {trigger.Name}");
            }
            else
            {
                trigger = await context.Client.CreateTriggerAsync(
                    new Trigger { AppId = app.Id, FnId = fn.Id, Name = wanted.Name, Type = wanted.Type, Source = wanted.Source },
                    cancellationToken);
                await context.Output.WriteLineAsync($"Successfully created trigger: {trigger.Name}");
            }

            if (trigger.Annotations.TryGetValue("fnproject.io/trigger/httpEndpoint", out var endpoint))
            {
                await context.Output.WriteLineAsync($"Trigger Endpoint: {endpoint.GetString()}");
            }
        }
    }
}
