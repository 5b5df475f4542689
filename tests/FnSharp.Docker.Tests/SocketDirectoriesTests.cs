using FnSharp.Agent.Drivers;
using FnSharp.Testing;

namespace FnSharp.Docker.Tests;

/// <summary>
/// The containers' socket directories under <c>FN_IOFS_PATH</c>: a root the server's user cannot write is the
/// node's fault, named with the directory and the fix. A root that is a file stands for one another user owns
/// (the tests may run as root, whom permissions do not stop).
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class SocketDirectoriesTests : IDisposable
{
    private readonly string _temp = TestDirectories.Create("fnsharp-iofs-test-");

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void Problem_MissingRoot_MadeAndNoProbeLeft()
    {
        var root = Path.Combine(_temp, "iofs");

        Assert.Null(SocketDirectories.Problem(root));

        Assert.True(Directory.Exists(root));
        Assert.Empty(Directory.EnumerateFileSystemEntries(root));
    }

    [Fact]
    public void Problem_RootIsNotADirectory_NamesTheRootTheUserAndTheSetting()
    {
        var root = Path.Combine(_temp, "iofs");
        File.WriteAllText(root, "");

        var problem = SocketDirectories.Problem(root);

        Assert.NotNull(problem);
        Assert.StartsWith($"the containers' socket directory {root} is not usable by this server's user ({Environment.UserName}): ", problem, StringComparison.Ordinal);
        Assert.EndsWith($"make it a directory that user can write (for example 'sudo chown {Environment.UserName} {root}', or remove it and the server makes it), or set FN_IOFS_PATH to one", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_RootIsNotADirectory_NodeFaultWithTheReasonForTheCaller()
    {
        var root = Path.Combine(_temp, "iofs");
        File.WriteAllText(root, "");

        var e = Assert.Throws<ContainerStartException>(() => SocketDirectories.Create(root, "fnsharp-x"));

        Assert.Equal(ContainerStartError.NodeFault, e.Error);
        Assert.Equal(e.Message, e.Reason);
        Assert.Contains(root, e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_UsableRoot_DirectoryOpenToTheContainersUser()
    {
        var path = SocketDirectories.Create(_temp, "fnsharp-x");

        Assert.Equal(Path.Combine(_temp, "fnsharp-x"), path);
        Assert.Equal((UnixFileMode)0b111_111_111, File.GetUnixFileMode(path));
    }
}
