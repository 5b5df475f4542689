using System.IO.Compression;
using FnSharp.Cli.Commands;
using FnSharp.Cli.Functions;
using FnSharp.Testing;

namespace FnSharp.Cli.Tests;

/// <summary>
/// <c>init --runtime csharp|node NAME</c>: the scaffolds are the embedded examples under the new name,
/// with func.yaml, a Dockerfile and (csharp) the FDK's package in a local feed.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class InitCommandTests : IDisposable
{
    private readonly string _root = TestDirectories.Create("fnsharp-init-");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task InitNode_NewDirectory_ExampleFilesUnderTheNewName()
    {
        var target = Path.Combine(_root, "orders");

        var (code, output, _) = await RunAsync("init", "--runtime", "node", "orders", "--dir", target);

        Assert.Equal(0, code);
        Assert.Contains("fnsharp deploy --app myapp --create-app", output, StringComparison.Ordinal);
        Assert.Equal([".dockerignore", ".gitignore", "Dockerfile", "func.js", "func.yaml", "package-lock.json", "package.json"], Directory.GetFiles(target).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var example = Path.Combine(RepositoryRoot(), "examples", "hello-node");
        Assert.Equal(File.ReadAllText(Path.Combine(example, "func.js")), File.ReadAllText(Path.Combine(target, "func.js")));
        Assert.Equal(
            File.ReadAllText(Path.Combine(example, "func.yaml")).Replace("name: hello-node", "name: orders", StringComparison.Ordinal).Replace("entrypoint: node func.js\n", "", StringComparison.Ordinal) +
            "triggers:\n- name: orders\n  type: http\n  source: /orders\n",
            File.ReadAllText(Path.Combine(target, "func.yaml")));
        Assert.Empty(FuncFileReader.Read(target).Warnings);
        Assert.StartsWith("{\n  \"name\": \"orders\",", File.ReadAllText(Path.Combine(target, "package-lock.json")).ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("ARG RUN_IMAGE=fnsharp/node-runtime:latest\nFROM ${RUN_IMAGE}\n", File.ReadAllText(Path.Combine(target, "Dockerfile")), StringComparison.Ordinal);
        Assert.Equal(("orders", "node"), (FuncFileReader.Read(target).Name, FuncFileReader.Read(target).Runtime));
    }

    [Fact]
    public async Task InitCsharp_NewDirectory_ProjectOnTheFdkPackageInALocalFeed()
    {
        var target = Path.Combine(_root, "orders");

        var (code, output, _) = await RunAsync("init", "--runtime", "csharp", "orders", "--dir", target);

        Assert.Equal(0, code);
        Assert.StartsWith($"Function orders created in {Path.GetRelativePath(Environment.CurrentDirectory, target)} (func.yaml, orders.csproj, Program.cs, Dockerfile, and the C# FDK package in packages/). Next:\n", output, StringComparison.Ordinal);
        Assert.Equal(
            [".dockerignore", ".gitignore", "Directory.Build.props", "Directory.Packages.props", "Dockerfile", "Program.cs", "func.yaml", "nuget.config", "orders.csproj", $"packages/FnSharp.Fdk.{InitCommand.FdkVersion}.nupkg"],
            Directory.GetFiles(target, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(target, f)).Order(StringComparer.Ordinal));
        var file = FuncFileReader.Read(target);
        Assert.Equal(("orders", "0.0.1", "csharp", 128, 30), (file.Name, file.Version, file.Runtime, file.Memory, file.Timeout));
        Assert.Equal([new FuncTrigger("orders", "http", "/orders")], file.Triggers);
        Assert.Contains("await Fdk.HandleAsync(", File.ReadAllText(Path.Combine(target, "Program.cs")), StringComparison.Ordinal);
        Assert.Contains("<PackageReference Include=\"FnSharp.Fdk\" />", File.ReadAllText(Path.Combine(target, "orders.csproj")), StringComparison.Ordinal);
        Assert.Contains("<PublishAot>true</PublishAot>", File.ReadAllText(Path.Combine(target, "orders.csproj")), StringComparison.Ordinal);
        Assert.Contains($"<PackageVersion Include=\"FnSharp.Fdk\" Version=\"{InitCommand.FdkVersion}\" />", File.ReadAllText(Path.Combine(target, "Directory.Packages.props")), StringComparison.Ordinal);
        Assert.Contains("<add key=\"fnsharp-local\" value=\"packages\" />", File.ReadAllText(Path.Combine(target, "nuget.config")), StringComparison.Ordinal);
        Assert.Contains("COPY bin/publish/func /func", File.ReadAllText(Path.Combine(target, "Dockerfile")), StringComparison.Ordinal);
        Assert.Equal("# Only the NativeAOT binary goes into the image (fnsharp build publishes it into bin/publish).\n*\n!bin/publish/func\n", File.ReadAllText(Path.Combine(target, ".dockerignore")));
    }

    [Fact]
    public async Task InitCsharp_FdkPackage_IsTheRepositorysFdk()
    {
        var target = Path.Combine(_root, "pkg");

        await RunAsync("init", "--runtime", "csharp", "pkg", "--dir", target);
        using var package = ZipFile.OpenRead(Path.Combine(target, "packages", $"FnSharp.Fdk.{InitCommand.FdkVersion}.nupkg"));

        Assert.Contains(package.Entries, e => e.FullName == "lib/net10.0/FnSharp.Fdk.dll");
        using var nuspec = new StreamReader(package.GetEntry("FnSharp.Fdk.nuspec")!.Open());
        var text = await nuspec.ReadToEndAsync();
        Assert.Contains("<id>FnSharp.Fdk</id>", text, StringComparison.Ordinal);
        Assert.Contains($"<version>{InitCommand.FdkVersion}</version>", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "init", "--runtime", "node", "Bad_Name" }, "Error: 'Bad_Name' is not a valid function name here: use lower-case letters and digits, separated by single '_', '__' or '-' (it also names the image)\n")]
    [InlineData(new[] { "init", "--runtime", "csharp", "trailing-" }, "Error: 'trailing-' is not a valid function name here")]
    [InlineData(new[] { "init", "--runtime", "go", "f" }, "Error: Argument 'go' not recognized. Must be one of: 'csharp' 'node'\nSee 'fnsharp init --help'.\n")]
    [InlineData(new[] { "init", "f" }, "Error: --runtime is required (the function's language: csharp (the C# FDK, NativeAOT) or node (Fn's Node FDK))\nSee 'fnsharp init --help'.\n")]
    public async Task Init_BadInput_UsageErrorAndExit2(string[] args, string message)
    {
        var (code, _, error) = await RunAsync([.. args, "--dir", Path.Combine(_root, "x")]);

        Assert.Equal(2, code);
        Assert.StartsWith(message, error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_root, "x")));
    }

    [Fact]
    public async Task Init_DirectoryNotEmpty_ErrorAndNothingWritten()
    {
        File.WriteAllText(Path.Combine(_root, "keep.txt"), "mine");

        var (code, _, error) = await RunAsync("init", "--runtime", "csharp", "f", "--dir", _root);

        Assert.Equal((1, $"Error: {_root} already exists and is not an empty directory\n"), (code, error.ReplaceLineEndings("\n")));
        Assert.Equal(["keep.txt"], Directory.GetFiles(_root).Select(Path.GetFileName));
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args) => await CliRun.RunAsync(args);

    private static string RepositoryRoot() => Functions.FuncFileReaderTests.RepositoryRoot();
}
