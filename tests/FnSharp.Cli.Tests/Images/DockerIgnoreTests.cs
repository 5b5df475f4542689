using FnSharp.Cli.Images;
using FnSharp.Testing;

namespace FnSharp.Cli.Tests.Images;

/// <summary>.dockerignore matched as the Docker CLI matches it, and the build context it leaves.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class DockerIgnoreTests : IDisposable
{
    private readonly string _root = TestDirectories.Create("fnsharp-context-");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("*\n!bin/publish/func", "bin/publish/func", false)]
    [InlineData("*\n!bin/publish/func", "bin/publish/func.dbg", true)]
    [InlineData("*\n!bin/publish/func", "obj/project.assets.json", true)]
    [InlineData("*\n!bin/publish/func", "Program.cs", true)]
    [InlineData("node_modules", "node_modules/a/index.js", true)]
    [InlineData("/node_modules/", "node_modules", true)]
    [InlineData("*.md", "README.md", true)]
    [InlineData("*.md", "docs/README.md", false)]
    [InlineData("**/*.md", "docs/deep/README.md", true)]
    [InlineData("**/*.md", "README.md", true)]
    [InlineData("docs/**", "docs/a/b", true)]
    [InlineData("file?.txt", "file1.txt", true)]
    [InlineData("file?.txt", "file10.txt", false)]
    [InlineData("file[0-9].txt", "file7.txt", true)]
    [InlineData("file[!0-9].txt", "file7.txt", false)]
    [InlineData("# comment\n\n  secret.txt  ", "secret.txt", true)]
    [InlineData("*.txt\n!keep*.txt\nkeep-not.txt", "keep-not.txt", true)]
    [InlineData("*.txt\n!keep*.txt\nkeep-not.txt", "keep-this.txt", false)]
    [InlineData("./a/../b", "b", true)]
    public void IsExcluded_Pattern_AsDockerMatchesIt(string rules, string path, bool excluded) =>
        Assert.Equal(excluded, DockerIgnore.Parse(rules).IsExcluded(path));

    [Fact]
    public void Entries_CsharpScaffoldRules_OnlyBinaryDockerfileAndIgnoreFile()
    {
        Write("Dockerfile", ".dockerignore", "Program.cs", "func.yaml", "bin/publish/func", "bin/publish/func.dbg", "bin/Release/net10.0/func.dll", "obj/project.assets.json");
        File.WriteAllText(Path.Combine(_root, ".dockerignore"), "*\n!bin/publish/func\n");

        var names = BuildContext.Entries(_root, DockerIgnore.Read(_root)).Select(e => e.Name).Order(StringComparer.Ordinal);

        Assert.Equal([".dockerignore", "Dockerfile", "bin/publish/func"], names);
    }

    [Fact]
    public void Entries_NoIgnoreFile_EverythingWithDirectories()
    {
        Write("Dockerfile", "a/b.txt");

        var names = BuildContext.Entries(_root, DockerIgnore.Read(_root)).Select(e => e.Name).Order(StringComparer.Ordinal);

        Assert.Equal(["Dockerfile", "a", "a/b.txt"], names);
    }

    private void Write(params string[] files)
    {
        foreach (var file in files)
        {
            var path = Path.Combine(_root, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, file);
        }
    }
}
