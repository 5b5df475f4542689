using FnSharp.Cli.Functions;
using FnSharp.Cli.Images;
using FnSharp.Core.Validation;

namespace FnSharp.Cli.Commands;

/// <summary>
/// <c>deploy --app APP</c>, as Fn's <c>fn deploy</c>: bumps the patch version of func.yaml, builds the
/// image, pushes it when a registry is set (<c>--registry</c>, <c>FN_REGISTRY</c> or the config file's
/// <c>registry</c>; <c>--local</c> skips the push, as in Fn), then creates or updates the fn and its triggers
/// from func.yaml. func.yaml (with the server's rules), the app, the trigger sources taken in it and the
/// registry are checked before the build, so a mistake costs no build and changes nothing on the server. As
/// in Fn, the bump is said first; func.yaml is written with it before the build and put back as it was when
/// the build or the push fails.
/// </summary>
internal static class DeployCommand
{
    public static Command Create(CommandRunner runner)
    {
        var options = new BuildOptions();
        var app = new Option<string>("--app", "-a") { Description = "The app to deploy to.", Required = true };
        var verbose = CliOptions.BuildVerbose();
        var createApp = new Option<bool>("--create-app") { Description = "Create the app when it does not exist." };
        var noBump = new Option<bool>("--no-bump") { Description = "Keep the version of func.yaml instead of increasing its patch number." };
        var local = new Option<bool>("--local") { Description = "Do not push the image, even when a registry is set: the server runs it from the local engine (as Fn's --local)." };
        var insecure = new Option<bool>("--insecure-registry")
        {
            Description = "Allow a registry that speaks plain HTTP (the image and your credentials cross the network unencrypted); the Docker engine must allow it too (insecure-registries in /etc/docker/daemon.json, except for 127.0.0.0/8).",
        };
        var command = new Command(
            "deploy",
            "Deploy the function in the current directory (or --path): check func.yaml with the server's rules, bump the patch version in func.yaml, build the image [REGISTRY/]NAME:VERSION on the local Docker engine, " +
            "push it when a registry is set (--registry, $FN_REGISTRY or registry in ~/.fnsharp/config.json; credentials from docker login), " +
            "then create or update the fn (image, memory, timeout, idle_timeout, config and annotations, merged into what the fn has) and its triggers, by name, from func.yaml.\n\n" +
            "Examples:\n  fnsharp deploy --app myapp --create-app\n  fnsharp deploy --app myapp --registry registry.example:5000/team\n  fnsharp deploy --app myapp --path ./hello --no-bump --local -v")
        {
            app, createApp, noBump, options.Path, options.NoCache, options.Registry, local, insecure, verbose,
        };
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            // Everything that can be checked is checked before the build, which takes minutes for NativeAOT:
            // func.yaml with the server's rules, the files, the app's name, then what the server already has.
            var file = await options.ReadFuncFileAsync(parse, context);
            var bump = !parse.GetValue(noBump);
            var version = bump ? FuncFileVersion.Bump(file) : file.Version;
            var registry = options.ResolveRegistry(parse, context);
            var image = file.ImageName(registry, version);
            FunctionBuilder.CheckFiles(file);
            var appName = parse.GetValue(app)!;
            if (!ModelValidator.IsValidAppName(appName))
            {
                throw CliException.Usage($"--app '{appName}' is not a valid app name: use 1 to 255 letters, digits, '_' or '-'");
            }

            var owner = await context.TryFindAppAsync(appName, cancellationToken);
            if (owner is null && !parse.GetValue(createApp))
            {
                throw new CliException($"app '{appName}' not found", $"To create it with the fn: {context.Command("deploy", "--app", appName, "--create-app")}", $"See the apps: {context.Command("list", "apps")}");
            }

            if (owner is not null)
            {
                await CheckTriggerSourcesAsync(context, owner, file, cancellationToken);
            }

            var push = registry is not null && !parse.GetValue(local)
                ? await ImagePush.PrepareAsync(image, parse.GetValue(insecure), context, cancellationToken)
                : null;
            using var engine = await DockerEngine.ConnectAsync(context.Environment("DOCKER_HOST"), cancellationToken);
            await context.SayAsync($"Deploying {file.Name} to app: {appName}");
            var original = file.Text;
            if (bump)
            {
                await File.WriteAllTextAsync(file.Path, FuncFileVersion.Rewrite(file, version), cancellationToken);
                await context.SayAsync($"Bumped to version {version}");
            }

            await context.SayAsync($"Building image {image}");
            string? digest = null;
            var stage = "build";
            try
            {
                await FunctionBuilder.BuildAsync(file, image, parse.GetValue(options.NoCache), engine, context.Progress, parse.GetValue(verbose), cancellationToken);
                if (push is not null)
                {
                    stage = "push";
                    await context.SayAsync($"Pushing {image} to registry {push.Reference.Registry}");
                    digest = await push.RunAsync(engine, context.Progress, parse.GetValue(verbose), cancellationToken);
                }
            }
            catch when (bump)
            {
                // The version names an image that was not built or not pushed, and no fn runs it: func.yaml goes back as it was.
                await File.WriteAllTextAsync(file.Path, original, CancellationToken.None);
                await context.Error.WriteLineAsync($"{file.Path} keeps version {file.Version}: the {stage} failed.");
                throw;
            }

            if (owner is null)
            {
                owner = await context.Client.CreateAppAsync(new App { Name = appName }, cancellationToken);
                await context.SayAsync($"Successfully created app: {owner.Name}");
            }

            var fn = await DeployFnAsync(context, owner, file, image, cancellationToken);
            var triggers = await DeployTriggersAsync(context, owner, fn, file, cancellationToken);
            if (context.Json)
            {
                await context.WriteJsonAsync(new DeployOutput(image, digest, JsonOutput.Resource(owner), JsonOutput.Resource(fn), [.. triggers.Select(JsonOutput.Resource)]));
            }

            return ExitCodes.Ok;
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
            fn = await context.Client.CreateFnAsync(fn with { Annotations = FuncFile.WithoutRemovals(file.Annotations) }, cancellationToken);
            await context.SayAsync($"Successfully created function: {fn.Name} with {fn.Image}");
        }
        else
        {
            fn = await context.Client.UpdateFnAsync(fn with { AppId = "", Name = "" }, cancellationToken);
            await context.SayAsync($"Successfully updated function: {fn.Name} with {fn.Image}");
        }

        return fn;
    }

    private static async Task<List<Trigger>> DeployTriggersAsync(CliContext context, App app, Fn fn, FuncFile file, CancellationToken cancellationToken)
    {
        var deployed = new List<Trigger>();
        if (file.Triggers.Count == 0)
        {
            return deployed;
        }

        var existing = (await ListTriggersAsync(context, app, fn.Id, cancellationToken)).ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var wanted in file.Triggers)
        {
            Trigger trigger;
            if (existing.TryGetValue(wanted.Name, out var current))
            {
                if (current.Type != wanted.Type)
                {
                    throw new CliException($"trigger '{wanted.Name}' of fn '{fn.Name}' has type {current.Type}, and {file.Path} says {wanted.Type}; a trigger's type cannot change: delete it first (fnsharp delete trigger {app.Name} {fn.Name} {wanted.Name})");
                }

                var changed = current.Source != wanted.Source || wanted.Annotations.Any(a => FuncFile.RemovesKey(a.Value)
                    ? current.Annotations.ContainsKey(a.Key)
                    : !current.Annotations.TryGetValue(a.Key, out var value) || !JsonElement.DeepEquals(value, a.Value));
                trigger = changed
                    ? await context.Client.UpdateTriggerAsync(new Trigger { Id = current.Id, Source = wanted.Source, Annotations = wanted.Annotations }, cancellationToken)
                    : current;
                await context.SayAsync(changed ? $"Successfully updated trigger: {trigger.Name}" : $"Trigger unchanged: {trigger.Name}");
            }
            else
            {
                trigger = await context.Client.CreateTriggerAsync(
                    new Trigger { AppId = app.Id, FnId = fn.Id, Name = wanted.Name, Type = wanted.Type, Source = wanted.Source, Annotations = FuncFile.WithoutRemovals(wanted.Annotations) },
                    cancellationToken);
                await context.SayAsync($"Successfully created trigger: {trigger.Name}");
            }

            if (ResourcePrinter.Endpoint(trigger) is { } endpoint)
            {
                await context.SayAsync($"Trigger Endpoint: {endpoint}");
            }

            if (trigger.Type == Trigger.CronType)
            {
                await context.SayAsync(ResourcePrinter.NextRunsLine(trigger));
            }

            deployed.Add(trigger);
        }

        return deployed;
    }

    /// <summary>
    /// Refuses, before the build, a trigger of func.yaml whose source another trigger of the app holds (for a
    /// cron trigger, another trigger of the same fn: schedules are unique per fn): the server would refuse it
    /// (409) only after the fn is deployed. A trigger of this fn that func.yaml moves
    /// elsewhere first does not hold its source any more when the trigger after it takes it.
    /// </summary>
    private static async Task CheckTriggerSourcesAsync(CliContext context, App app, FuncFile file, CancellationToken cancellationToken)
    {
        if (file.Triggers.Count == 0)
        {
            return;
        }

        var fnId = (await context.TryFindFnAsync(app, file.Name, cancellationToken))?.Id;
        var held = await ListTriggersAsync(context, app, null, cancellationToken);
        for (var i = 0; i < file.Triggers.Count; i++)
        {
            var wanted = file.Triggers[i];
            // A cron schedule is unique per fn (two fns of an app may share one), an HTTP path per app.
            var holder = held.FirstOrDefault(t =>
                t.Type == wanted.Type && t.Source == wanted.Source
                && (wanted.Type != Trigger.CronType || t.FnId == fnId)
                && !(t.FnId == fnId && (t.Name == wanted.Name || file.Triggers.Take(i).Any(earlier => earlier.Name == t.Name && earlier.Source != t.Source))));
            if (holder is not null)
            {
                var fnName = holder.FnId == fnId ? file.Name : (await context.Client.GetFnAsync(holder.FnId, cancellationToken)).Name;
                var at = $"triggers[{i.ToString(CultureInfo.InvariantCulture)}]";
                throw file.Error(
                    at + ".source",
                    $"{at}.source {wanted.Source} is taken in app '{app.Name}' by trigger '{holder.Name}' of fn '{fnName}': choose another source, or delete that trigger first (fnsharp delete trigger {app.Name} {fnName} {holder.Name})");
            }
        }
    }

    /// <summary>The triggers of <paramref name="app"/>, or of its fn <paramref name="fnId"/>, every page.</summary>
    private static Task<List<Trigger>> ListTriggersAsync(CliContext context, App app, string? fnId, CancellationToken cancellationToken) =>
        AllPages.ReadAsync(cursor => context.Client.ListTriggersAsync(appId: app.Id, fnId: fnId, cursor: cursor, perPage: AllPages.PageSize, cancellationToken: cancellationToken));
}
