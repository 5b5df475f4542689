using FnSharp.Testing;

namespace FnSharp.Docker.Tests;

/// <summary>A node's lock under <c>FN_IOFS_PATH</c>: one holder at a time, named by its process id; free once let go.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class NodeLockTests : IDisposable
{
    private readonly string _root = TestDirectories.Create("fnsharp-nodelock-test-");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void TryTake_HeldUnderTheSameName_RefusedNamingTheHolder()
    {
        using var first = NodeLock.TryTake(_root, "node a", out var firstHolder);

        var second = NodeLock.TryTake(_root, "node a", out var holder);

        Assert.NotNull(first);
        Assert.Null(firstHolder);
        Assert.Null(second);
        Assert.Equal(Environment.ProcessId, holder);
        Assert.Equal(Path.Combine(_root, ".node-node_a.lock"), first.Path);
    }

    [Fact]
    public void TryTake_AnotherName_BothHeld()
    {
        using var first = NodeLock.TryTake(_root, "a", out _);
        using var second = NodeLock.TryTake(_root, "b", out _);

        Assert.NotNull(first);
        Assert.NotNull(second);
    }

    [Fact]
    public void Dispose_Held_LockAndPidFilesRemoved()
    {
        var taken = NodeLock.TryTake(_root, "a", out _)!;

        taken.Dispose();

        Assert.Empty(Directory.EnumerateFileSystemEntries(_root));
    }

    [Fact]
    public void TryTake_ALinkInPlaceOfTheFile_RefusedSayingToRemoveIt()
    {
        var target = Path.Combine(_root, "elsewhere");
        File.WriteAllBytes(target, []);
        File.CreateSymbolicLink(NodeLock.PathOf(_root, "a"), target);

        var e = Assert.Throws<IOException>(() => NodeLock.TryTake(_root, "a", out _));

        Assert.EndsWith("kept changing while it was being locked (a link, or another program replacing it): remove it", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryTake_AfterTheHolderLetItGo_Taken()
    {
        NodeLock.TryTake(_root, "a", out _)!.Dispose();

        using var again = NodeLock.TryTake(_root, "a", out var holder);

        Assert.NotNull(again);
        Assert.Null(holder);
        Assert.Equal($"{Environment.ProcessId}\n", File.ReadAllText(Path.ChangeExtension(again.Path, ".pid")));
    }
}
