using System.Runtime.InteropServices;
using FnSharp.Cli.Functions;

namespace FnSharp.Cli.Images;

/// <summary>
/// Builds a function's image on the local engine: checks that the Dockerfile's base images are
/// there (nothing is pulled), runs the runtime's step on the host (<c>csharp</c>: <c>dotnet publish</c>
/// with NativeAOT into <c>bin/publish</c>; <c>node</c>: <c>npm ci</c>; <c>docker</c>: nothing), then
/// builds the function's directory with its Dockerfile. The host does the language build because the
/// engine has no SDK images to build in and no registry to fetch them from. Each long step is a step of
/// the <see cref="ProgressDisplay"/>: its output shows on the progress line, all of it with verbose, and
/// its last lines when it fails.
/// </summary>
internal static class FunctionBuilder
{
    /// <summary>Where the csharp step publishes, relative to the function's directory; the scaffold's Dockerfile copies <c>func</c> from there.</summary>
    public const string PublishDirectory = "bin/publish";

    /// <summary>The build argument that carries <c>run_image</c> of func.yaml to the Dockerfile.</summary>
    public const string RunImageArgument = "RUN_IMAGE";

    /// <summary>
    /// Checks what the build needs in the function's directory, before any engine work: the Dockerfile,
    /// and for runtime csharp its one project.
    /// </summary>
    /// <exception cref="CliException">Something is missing.</exception>
    public static void CheckFiles(FuncFile file)
    {
        if (!File.Exists(Path.Combine(file.Directory, "Dockerfile")))
        {
            throw new CliException($"no Dockerfile in {file.Directory}: the image is built from it (fnsharp init writes one)");
        }

        if (file.Runtime == "csharp")
        {
            Project(file);
        }
    }

    /// <summary>Builds <paramref name="file"/>'s function into the image <paramref name="image"/>, showing each step on <paramref name="progress"/>.</summary>
    /// <exception cref="CliException">No Dockerfile, a missing base image, a failed host step or a failed image build.</exception>
    public static async Task BuildAsync(FuncFile file, string image, bool noCache, DockerEngine engine, ProgressDisplay progress, bool verbose, CancellationToken cancellationToken)
    {
        CheckFiles(file);
        var dockerfile = Path.Combine(file.Directory, "Dockerfile");
        var buildArgs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (file.RunImage is { Length: > 0 } runImage)
        {
            buildArgs[RunImageArgument] = runImage;
        }

        foreach (var baseImage in DockerfileBases.Find(await File.ReadAllTextAsync(dockerfile, cancellationToken), buildArgs))
        {
            if (!await engine.HasImageAsync(baseImage, cancellationToken))
            {
                throw new CliException(BuildImagesScript.MissingBaseImage(baseImage, engine.Endpoint, baseImage == file.RunImage ? "run_image in func.yaml" : null));
            }
        }

        switch (file.Runtime)
        {
            case "csharp":
                await PublishAsync(file, progress, verbose, cancellationToken);
                break;
            case "node":
                await NpmInstallAsync(file, progress, verbose, cancellationToken);
                break;
        }

        await progress.StepAsync($"docker build {image}", verbose, async step =>
        {
            using var output = step.Writer();
            for (var attempt = 1; ; attempt++)
            {
                await using var context = await BuildContext.CreateAsync(file.Directory, cancellationToken);
                try
                {
                    await engine.BuildAsync(context, image, noCache, buildArgs, output, cancellationToken);
                    return true;
                }
                catch (CliException e) when (attempt == 1 && IsLostImage(e))
                {
                    await output.WriteLineAsync("The engine lost an image of the build while it ran (its classic builder does so under concurrent builds); building again.");
                }
            }
        });
    }

    /// <summary>
    /// The classic builder's "unable to find image sha256:..." for an image it made a moment before: a race
    /// of Docker 20.10's builder when several builds run at once, which a second build does not meet.
    /// </summary>
    private static bool IsLostImage(CliException e) =>
        e.Message.Contains("unable to find image \"sha256:", StringComparison.Ordinal);

    private static string Project(FuncFile file)
    {
        var projects = Directory.GetFiles(file.Directory, "*.csproj");
        return projects.Length == 1
            ? projects[0]
            : throw new CliException(projects.Length == 0
                ? $"runtime csharp needs a .csproj in {file.Directory}"
                : $"runtime csharp needs one .csproj in {file.Directory}, not {projects.Length} ({string.Join(", ", projects.Select(Path.GetFileName).Order(StringComparer.Ordinal))})");
    }

    private static async Task PublishAsync(FuncFile file, ProgressDisplay progress, bool verbose, CancellationToken cancellationToken)
    {
        var project = Project(file);
        var output = Path.Combine(file.Directory, PublishDirectory);
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        var rid = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        await progress.StepAsync($"dotnet publish {Path.GetFileName(project)} (NativeAOT, {rid})", verbose, async step =>
        {
            using var lines = step.Writer();
            await HostProcess.RunAsync(
                "dotnet",
                ["publish", project, "-c", "Release", "-r", rid, "-o", output, "-p:DebugType=none", "-nologo"],
                file.Directory,
                "install the .NET 10 SDK (NativeAOT also needs clang and zlib1g-dev)",
                lines,
                cancellationToken);
            return true;
        },
        hint: "a minute or two");
    }

    private static async Task NpmInstallAsync(FuncFile file, ProgressDisplay progress, bool verbose, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(file.Directory, "package.json")))
        {
            return;
        }

        var command = File.Exists(Path.Combine(file.Directory, "package-lock.json")) ? "ci" : "install";
        await progress.StepAsync($"npm {command} --omit=dev", verbose, async step =>
        {
            using var lines = step.Writer();
            await HostProcess.RunAsync(
                "npm",
                [command, "--omit=dev", "--no-audit", "--no-fund"],
                file.Directory,
                "install Node.js and npm (Debian: apt-get install npm)",
                lines,
                cancellationToken);
            return true;
        });
    }
}
