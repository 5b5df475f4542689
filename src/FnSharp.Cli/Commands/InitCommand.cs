using System.Reflection;
using System.Text.RegularExpressions;
using FnSharp.Cli.Functions;

namespace FnSharp.Cli.Commands;

/// <summary>
/// <c>init --runtime csharp|node NAME</c>: scaffolds a function that <c>fnsharp deploy</c> builds and
/// deploys without edits, as Fn's <c>fn init</c> does.
/// <list type="bullet">
/// <item>csharp: the code of <c>examples/hello-csharp</c>, a project on the C# FDK published with
/// NativeAOT, and the FDK's package itself in a local feed (<c>packages/</c>, named by <c>nuget.config</c>),
/// so it restores without nuget.org and without this repository;</item>
/// <item>node: the files of <c>examples/hello-node</c> on Fn's Node FDK.</item>
/// </list>
/// The examples are embedded in this tool, so scaffolds and examples cannot drift apart.
/// </summary>
internal static partial class InitCommand
{
    public static Command Create(CommandRunner runner)
    {
        var name = new Argument<string>("name") { Description = "The function's name: lower-case letters and digits, separated by '_' or '-'; also its directory and image name." };
        var runtime = new Option<string>("--runtime") { Description = "The function's language: csharp (the C# FDK, NativeAOT) or node (Fn's Node FDK).", Required = true };
        runtime.AcceptOnlyFromAmong("csharp", "node");
        var directory = new Option<string?>("--dir") { Description = "Where to create it (default: ./NAME); must not exist or be empty." };
        var command = new Command("init", "Create a function's files: func.yaml, Dockerfile and code, ready for fnsharp deploy.\n\nExamples:\n  fnsharp init --runtime csharp hello\n  fnsharp init --runtime node hello --dir ./functions/hello")
        {
            name, runtime, directory,
        };
        runner.SetAction(command, async (parse, context, cancellationToken) =>
        {
            var fnName = parse.GetValue(name)!;
            if (!ValidName().IsMatch(fnName))
            {
                throw CliException.Usage($"'{fnName}' is not a valid function name here: use lower-case letters and digits, separated by single '_', '__' or '-' (it also names the image)");
            }

            var target = Path.GetFullPath(parse.GetValue(directory) ?? fnName);
            if (File.Exists(target) || (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any()))
            {
                throw new CliException($"{target} already exists and is not an empty directory");
            }

            var isCsharp = parse.GetValue(runtime) == "csharp";
            var files = isCsharp ? await CsharpFilesAsync(fnName, cancellationToken) : await NodeFilesAsync(fnName, cancellationToken);
            Directory.CreateDirectory(target);
            foreach (var (file, content) in files)
            {
                var path = Path.Combine(target, file);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllBytesAsync(path, content, cancellationToken);
            }

            var relative = Path.GetRelativePath(Environment.CurrentDirectory, target);
            if (context.Json)
            {
                await context.WriteJsonAsync(new InitOutput(fnName, parse.GetValue(runtime)!, target, [.. files.Select(f => f.File)]));
                return ExitCodes.Ok;
            }

            await context.Output.WriteLineAsync($"""
                Function {fnName} created in {relative} ({(isCsharp ? $"func.yaml, {fnName}.csproj, Program.cs, Dockerfile, and the C# FDK package in packages/" : "func.yaml, func.js, package.json, Dockerfile")}). Next:
                  cd {relative}
                  fnsharp deploy --app myapp --create-app
                  fnsharp invoke myapp {fnName} --body '{"{"}"name":"you"{"}"}'
                {(isCsharp
                    ? "fnsharp build publishes it with NativeAOT on this machine (the .NET 10 SDK, clang), onto fnsharp/aot-runtime:latest (scripts/build-images.sh aot-runtime builds it)."
                    : "fnsharp build runs npm ci on this machine, onto fnsharp/node-runtime:latest (scripts/build-images.sh node-runtime builds it).")}
                """);
            return 0;
        });
        return command;
    }

    /// <summary>The FDK version the csharp scaffold references: this tool's own version, as the FDK package is packed with it.</summary>
    public static string FdkVersion =>
        typeof(InitCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

    private static async Task<List<(string File, byte[] Content)>> CsharpFilesAsync(string fnName, CancellationToken cancellationToken)
    {
        var program = (await ReadTextAsync("init/csharp/Program.cs", cancellationToken))
            .Replace("(see src/FnSharp.Fdk/README.md)", "(see the FnSharp.Fdk package's README)", StringComparison.Ordinal);
        return
        [
            ("func.yaml", Text(FuncYaml(fnName, "csharp"))),
            (fnName + ".csproj", Text(Csproj)),
            ("Program.cs", Text(program)),
            ("Directory.Build.props", Text(DirectoryBuildProps)),
            ("Directory.Packages.props", Text(DirectoryPackagesProps.Replace("FDK_VERSION", FdkVersion, StringComparison.Ordinal))),
            ("nuget.config", Text(NugetConfig)),
            ($"packages/FnSharp.Fdk.{FdkVersion}.nupkg", await ReadBytesAsync("init/csharp/FnSharp.Fdk.nupkg", cancellationToken)),
            ("Dockerfile", Text(CsharpDockerfile)),
            (".dockerignore", Text("# Only the NativeAOT binary goes into the image (fnsharp build publishes it into bin/publish).\n*\n!bin/publish/func\n")),
            (".gitignore", Text("bin/\nobj/\n")),
        ];
    }

    private static async Task<List<(string File, byte[] Content)>> NodeFilesAsync(string fnName, CancellationToken cancellationToken)
    {
        const string ExampleName = "hello-node";
        var files = new List<(string, byte[])>();
        foreach (var file in new[] { "func.yaml", "func.js", "package.json", "package-lock.json" })
        {
            var text = (await ReadTextAsync("init/node/" + file, cancellationToken)).Replace(ExampleName, fnName, StringComparison.Ordinal);
            files.Add((file, Text(file == "func.yaml" ? WithoutIgnoredFields(text) + Triggers(fnName) : text)));
        }

        files.Add(("Dockerfile", Text(NodeDockerfile)));
        files.Add((".dockerignore", Text("*\n!package.json\n!package-lock.json\n!func.js\n!node_modules\n")));
        files.Add((".gitignore", Text("node_modules/\n")));
        return files;
    }

    /// <summary>
    /// The example's func.yaml without the fields of Fn's that FnSharp ignores (its <c>entrypoint</c>; the
    /// Dockerfile's <c>ENTRYPOINT</c> runs the function), which would print a warning at every deploy.
    /// </summary>
    private static string WithoutIgnoredFields(string funcYaml) =>
        string.Join('\n', funcYaml.Split('\n').Where(line => !FuncFileSchema.IgnoredFields.Keys.Any(key => line.StartsWith(key + ":", StringComparison.Ordinal))));

    private static string FuncYaml(string fnName, string runtime) => $"""
        schema_version: 20180708
        name: {fnName}
        version: 0.0.1
        runtime: {runtime}
        memory: 128
        timeout: 30

        """ + Triggers(fnName);

    private static string Triggers(string fnName) => $"""
        triggers:
        - name: {fnName}
          type: http
          source: /{fnName}

        """;

    private static byte[] Text(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    /// <summary>The function's project: the C# FDK from the local feed, published with NativeAOT as <c>func</c>.</summary>
    private const string Csproj = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <!-- The Dockerfile runs /func. -->
            <AssemblyName>func</AssemblyName>
            <!-- Published with NativeAOT into a scratch image: it starts in milliseconds. -->
            <PublishAot>true</PublishAot>
            <InvariantGlobalization>true</InvariantGlobalization>
            <UseSystemResourceKeys>true</UseSystemResourceKeys>
            <StripSymbols>true</StripSymbols>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="FnSharp.Fdk" />
          </ItemGroup>
          <ItemGroup>
            <!-- The FDK serves a unix socket: Linux only, as functions run in Linux containers. -->
            <AssemblyAttribute Include="System.Runtime.Versioning.SupportedOSPlatformAttribute">
              <_Parameter1>linux</_Parameter1>
            </AssemblyAttribute>
          </ItemGroup>
        </Project>

        """;

    private const string DirectoryBuildProps = """
        <!-- Here so that MSBuild does not take the settings of a project in a parent directory. -->
        <Project>
        </Project>

        """;

    private const string DirectoryPackagesProps = """
        <!-- The FDK's version: the package in packages/, written by fnsharp init. -->
        <Project>
          <PropertyGroup>
            <ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally>
          </PropertyGroup>
          <ItemGroup>
            <PackageVersion Include="FnSharp.Fdk" Version="FDK_VERSION" />
          </ItemGroup>
        </Project>

        """;

    /// <summary>
    /// FnSharp.Fdk comes only from the local feed; everything else (the SDK's NativeAOT packages, usually
    /// already in the machine's package cache) from nuget.org, which is asked only for what the cache lacks.
    /// </summary>
    private const string NugetConfig = """
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <!-- The C# FDK, written here by fnsharp init; it is not on nuget.org. -->
            <add key="fnsharp-local" value="packages" />
            <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
          </packageSources>
          <packageSourceMapping>
            <packageSource key="fnsharp-local">
              <package pattern="FnSharp.Fdk" />
            </packageSource>
            <packageSource key="nuget.org">
              <package pattern="*" />
            </packageSource>
          </packageSourceMapping>
        </configuration>

        """;

    /// <summary>The csharp function's image: its NativeAOT binary on the aot-runtime base image (the host's libc and loader).</summary>
    private const string CsharpDockerfile = """
        # fnsharp build publishes the project with NativeAOT on this machine first:
        #   dotnet publish -c Release -r linux-x64 -o bin/publish
        # then builds this file. The base image holds only the C library and loader a NativeAOT binary
        # needs (scripts/build-images.sh aot-runtime in the FnSharp repository builds it); run_image in
        # func.yaml replaces it.
        ARG RUN_IMAGE=fnsharp/aot-runtime:latest
        FROM ${RUN_IMAGE}
        COPY bin/publish/func /func
        ENTRYPOINT ["/func"]

        """;

    /// <summary>
    /// The node function's image: node_modules is installed on the host (<c>npm ci</c>, which
    /// <c>fnsharp build</c> runs) and copied in, so the build needs no registry; the base image carries Debian's nodejs.
    /// </summary>
    private const string NodeDockerfile = """
        # fnsharp build runs `npm ci --omit=dev` on this machine first, then builds this file. The base
        # image carries Debian's nodejs (scripts/build-images.sh node-runtime in the FnSharp repository
        # builds it); run_image in func.yaml replaces it.
        ARG RUN_IMAGE=fnsharp/node-runtime:latest
        FROM ${RUN_IMAGE}
        WORKDIR /function
        COPY package.json package-lock.json func.js ./
        COPY node_modules ./node_modules
        ENTRYPOINT ["node", "func.js"]

        """;

    private static async Task<string> ReadTextAsync(string resource, CancellationToken cancellationToken) =>
        System.Text.Encoding.UTF8.GetString(await ReadBytesAsync(resource, cancellationToken));

    private static async Task<byte[]> ReadBytesAsync(string resource, CancellationToken cancellationToken)
    {
        await using var stream = typeof(InitCommand).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the template {resource} is not embedded in the tool");
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, cancellationToken);
        return copy.ToArray();
    }

    /// <summary>The rule of func.yaml's name (a docker repository path component, without '.').</summary>
    [GeneratedRegex("^[a-z0-9]+(?:(?:_|__|-+)[a-z0-9]+)*$")]
    private static partial Regex ValidName();
}
