using FnSharp.Testing;

namespace FnSharp.Cli.Tests;

/// <summary><c>init --runtime node NAME</c>: the scaffold is the embedded hello-node example under the new name.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class InitCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("fnsharp-init-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task InitNode_NewDirectory_ExampleFilesUnderTheNewName()
    {
        var target = Path.Combine(_root, "orders");

        var (code, output, _) = await RunAsync("init", "--runtime", "node", "orders", "--dir", target);

        Assert.Equal(0, code);
        Assert.Contains("docker build -t orders:0.0.1 .", output, StringComparison.Ordinal);
        Assert.Equal([".dockerignore", "Dockerfile", "func.js", "func.yaml", "package-lock.json", "package.json"], Directory.GetFiles(target).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var example = Path.Combine(RepositoryRoot(), "examples", "hello-node");
        Assert.Equal(File.ReadAllText(Path.Combine(example, "func.js")), File.ReadAllText(Path.Combine(target, "func.js")));
        Assert.Equal(File.ReadAllText(Path.Combine(example, "func.yaml")).Replace("name: hello-node", "name: orders", StringComparison.Ordinal), File.ReadAllText(Path.Combine(target, "func.yaml")));
        Assert.StartsWith("{\n  \"name\": \"orders\",", File.ReadAllText(Path.Combine(target, "package-lock.json")).ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("FROM fnsharp/node-runtime:latest", File.ReadAllText(Path.Combine(target, "Dockerfile")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "init", "--runtime", "csharp", "f" }, "Error: init --runtime csharp is not available yet")]
    [InlineData(new[] { "init", "--runtime", "node", "Bad_Name" }, "Error: 'Bad_Name' is not a valid function name here")]
    [InlineData(new[] { "init", "--runtime", "go", "f" }, "Argument 'go' not recognized. Must be one of:")]
    [InlineData(new[] { "init", "f" }, "Option '--runtime' is required.")]
    public async Task Init_BadInput_ErrorNonZeroExit(string[] args, string message)
    {
        var (code, _, error) = await RunAsync([.. args, "--dir", Path.Combine(_root, "x")]);

        Assert.NotEqual(0, code);
        Assert.StartsWith(message, error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_root, "x")));
    }

    [Fact]
    public async Task Init_DirectoryNotEmpty_ErrorAndNothingWritten()
    {
        File.WriteAllText(Path.Combine(_root, "keep.txt"), "mine");

        var (code, _, error) = await RunAsync("init", "--runtime", "node", "f", "--dir", _root);

        Assert.Equal((1, $"Error: {_root} already exists and is not an empty directory\n"), (code, error.ReplaceLineEndings("\n")));
        Assert.Equal(["keep.txt"], Directory.GetFiles(_root).Select(Path.GetFileName));
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FnSharp.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("FnSharp.sln not found above " + AppContext.BaseDirectory);
    }
}
