using System.CommandLine;
using System.Text.RegularExpressions;

namespace FnSharp.Cli.Commands;

/// <summary>
/// <c>init --runtime node NAME</c>: scaffolds a function from <c>examples/hello-node</c> (embedded in
/// this tool), as Fn's <c>fn init</c> does. Only the node runtime: a C# function needs the C# FDK, which
/// is not published as a package yet, so a project outside this repository could not reference it.
/// </summary>
internal static partial class InitCommand
{
    private const string ExampleName = "hello-node";

    /// <summary>The files of examples/hello-node embedded in the tool, each copied with the example's name replaced.</summary>
    private static readonly string[] TemplateFiles = ["func.yaml", "func.js", "package.json", "package-lock.json"];

    public static Command Create(CommandRunner runner)
    {
        var name = new Argument<string>("name") { Description = "The function's name: lower-case letters, digits, '_' or '-'; also its directory and image name." };
        var runtime = new Option<string>("--runtime") { Description = "The function's language: node (csharp is not available yet).", Required = true };
        runtime.AcceptOnlyFromAmong("node", "csharp");
        var directory = new Option<string?>("--dir") { Description = "Where to create it (default: ./NAME); must not exist or be empty." };
        var command = new Command("init", "Create a function's files: func.yaml, Dockerfile and code on Fn's Node FDK.\n\nExample:\n  fnsharp init --runtime node hello")
        {
            name, runtime, directory,
        };
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            var fnName = parse.GetValue(name)!;
            if (parse.GetValue(runtime) == "csharp")
            {
                throw new CliException("init --runtime csharp is not available yet: the C# FDK is not published as a NuGet package, so a project outside this repository cannot reference it; start from examples/hello-csharp inside the repository");
            }

            if (!ValidName().IsMatch(fnName))
            {
                throw new CliException($"'{fnName}' is not a valid function name here: use lower-case letters, digits, '_' or '-', starting with a letter or a digit (it also names the npm package and the image)");
            }

            var target = Path.GetFullPath(parse.GetValue(directory) ?? fnName);
            if (File.Exists(target) || (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any()))
            {
                throw new CliException($"{target} already exists and is not an empty directory");
            }

            Directory.CreateDirectory(target);
            foreach (var file in TemplateFiles)
            {
                var text = (await ReadTemplateAsync(file, cancellationToken)).Replace(ExampleName, fnName, StringComparison.Ordinal);
                await File.WriteAllTextAsync(Path.Combine(target, file), text, cancellationToken);
            }

            await File.WriteAllTextAsync(Path.Combine(target, "Dockerfile"), Dockerfile, cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(target, ".dockerignore"), "*\n!package.json\n!package-lock.json\n!func.js\n!node_modules\n", cancellationToken);
            var relative = Path.GetRelativePath(Environment.CurrentDirectory, target);
            await context.Output.WriteLineAsync($"""
                Function {fnName} created in {relative} (func.yaml, Dockerfile, func.js, package.json). Next:
                  cd {relative} && npm ci --omit=dev
                  docker build -t {fnName}:0.0.1 .
                  fnsharp create app myapp
                  fnsharp create fn myapp {fnName} {fnName}:0.0.1
                  fnsharp invoke myapp {fnName} --body '{"{"}"name":"you"{"}"}'
                The image stands on fnsharp/node-runtime:latest (scripts/build-images.sh node-runtime builds it).
                """);
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The function's image: node_modules is installed on the host (<c>npm ci</c>) and copied in, so the
    /// build needs no registry; the base image carries Debian's nodejs.
    /// </summary>
    private const string Dockerfile = """
        # node_modules comes from `npm ci --omit=dev` on the host; the base image carries Debian's nodejs
        # (build it with scripts/build-images.sh node-runtime in the FnSharp repository).
        FROM fnsharp/node-runtime:latest
        WORKDIR /function
        COPY package.json package-lock.json func.js ./
        COPY node_modules ./node_modules
        ENTRYPOINT ["node", "func.js"]

        """;

    private static async Task<string> ReadTemplateAsync(string file, CancellationToken cancellationToken)
    {
        await using var stream = typeof(InitCommand).Assembly.GetManifestResourceStream("init/node/" + file)
            ?? throw new InvalidOperationException($"the template init/node/{file} is not embedded in the tool");
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,213}$")]
    private static partial Regex ValidName();
}
