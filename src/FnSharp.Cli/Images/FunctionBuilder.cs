using System.Runtime.InteropServices;
using FnSharp.Cli.Functions;

namespace FnSharp.Cli.Images;

/// <summary>
/// Builds a function's image on the local engine: checks that the Dockerfile's base images are
/// there (nothing is pulled), runs the runtime's step on the host (<c>csharp</c>: <c>dotnet publish</c>
/// with NativeAOT into <c>bin/publish</c>; <c>node</c>: <c>npm ci</c>; <c>docker</c>: nothing), then
/// builds the function's directory with its Dockerfile. The host does the language build because the
/// engine has no SDK images to build in and no registry to fetch them from.
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

    /// <summary>Builds <paramref name="file"/>'s function into the image <paramref name="image"/>, writing progress lines to <paramref name="progress"/>.</summary>
    /// <exception cref="CliException">No Dockerfile, a missing base image, a failed host step or a failed image build.</exception>
    public static async Task BuildAsync(FuncFile file, string image, bool noCache, DockerEngine engine, TextWriter progress, CancellationToken cancellationToken)
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
                await PublishAsync(file, progress, cancellationToken);
                break;
            case "node":
                await NpmInstallAsync(file, progress, cancellationToken);
                break;
        }

        await progress.WriteLineAsync($"Building image {image} on the Docker engine at {engine.Endpoint}...");
        await using var context = await BuildContext.CreateAsync(file.Directory, cancellationToken);
        await engine.BuildAsync(context, image, noCache, buildArgs, progress, cancellationToken);
    }

    private static string Project(FuncFile file)
    {
        var projects = Directory.GetFiles(file.Directory, "*.csproj");
        return projects.Length == 1
            ? projects[0]
            : throw new CliException(projects.Length == 0
                ? $"runtime csharp needs a .csproj in {file.Directory}"
                : $"runtime csharp needs one .csproj in {file.Directory}, not {projects.Length} ({string.Join(", ", projects.Select(Path.GetFileName).Order(StringComparer.Ordinal))})");
    }

    private static async Task PublishAsync(FuncFile file, TextWriter progress, CancellationToken cancellationToken)
    {
        var project = Project(file);
        var output = Path.Combine(file.Directory, PublishDirectory);
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        var rid = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        await progress.WriteLineAsync($"Publishing {Path.GetFileName(project)} with NativeAOT for {rid} into {PublishDirectory} (dotnet publish; a minute or two)...");
        await HostProcess.RunAsync(
            "dotnet",
            ["publish", project, "-c", "Release", "-r", rid, "-o", output, "-p:DebugType=none", "-nologo"],
            file.Directory,
            "install the .NET 10 SDK (NativeAOT also needs clang and zlib1g-dev)",
            progress,
            cancellationToken);
    }

    private static async Task NpmInstallAsync(FuncFile file, TextWriter progress, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(file.Directory, "package.json")))
        {
            return;
        }

        var command = File.Exists(Path.Combine(file.Directory, "package-lock.json")) ? "ci" : "install";
        await progress.WriteLineAsync($"Installing node_modules (npm {command} --omit=dev)...");
        await HostProcess.RunAsync(
            "npm",
            [command, "--omit=dev", "--no-audit", "--no-fund"],
            file.Directory,
            "install Node.js and npm (Debian: apt-get install npm)",
            progress,
            cancellationToken);
    }
}
