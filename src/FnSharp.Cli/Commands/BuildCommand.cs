using FnSharp.Cli.Images;

namespace FnSharp.Cli.Commands;

/// <summary><c>build</c>: builds the function of func.yaml into the image NAME:VERSION on the local Docker engine, as Fn's <c>fn build</c>.</summary>
internal static class BuildCommand
{
    public static Command Create(CommandRunner runner)
    {
        var options = new BuildOptions();
        var verbose = CliOptions.BuildVerbose();
        var command = new Command(
            "build",
            "Build the function in the current directory (or --path) into the image NAME:VERSION of its func.yaml, on the local Docker engine ($DOCKER_HOST, else /var/run/docker.sock). " +
            "runtime csharp publishes with NativeAOT on this machine first, runtime node runs npm ci; each step shows its progress on stderr.\n\nExamples:\n  fnsharp build\n  fnsharp build --path ./hello --no-cache -v")
        {
            options.Path, options.NoCache, options.Registry, verbose,
        };
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            var file = await options.ReadFuncFileAsync(parse, context);
            var image = file.ImageName(options.ResolveRegistry(parse, context));
            FunctionBuilder.CheckFiles(file);
            using var engine = await DockerEngine.ConnectAsync(context.Environment("DOCKER_HOST"), cancellationToken);
            await context.SayAsync($"Building image {image}");
            await FunctionBuilder.BuildAsync(file, image, parse.GetValue(options.NoCache), engine, context.Progress, parse.GetValue(verbose), cancellationToken);
            await context.SayAsync($"Function {image} built successfully.");
            if (context.Json)
            {
                await context.WriteJsonAsync(new BuildOutput(file.Name, file.Version, image));
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
