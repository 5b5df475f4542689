using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using FnSharp.Docker.Runc;
using FnSharp.Testing;
using FnSharp.Testing.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Docker.Tests.Runc;

/// <summary>
/// The clean-up of the root filesystems unpacked for runc, on images laid out by hand in a temporary directory, on a
/// fake clock: the order, the budget, the minimum age, the images fns name, the ones containers hold, what an earlier
/// run left half done, and the sizes measured on disk.
/// </summary>
public sealed class RootfsCleanerTests : IDisposable
{
    private const string Node = "node-a";
    private const long Budget = 250;

    private static readonly DateTimeOffset Start = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    private readonly string _stateDir = TestDirectories.Create("fnsharp-rootfsgc-");
    private readonly FakeTimeProvider _time = new(Start);

    private string ImagesDir => Path.Combine(_stateDir, "images");

    public void Dispose() => DockerDriver.DeleteDirectory(_stateDir);

    [Fact]
    public async Task CleanAsync_OverBudget_RemovesTheLeastRecentlyUsedFirstUntilTheyFit()
    {
        var newest = Unpacked("cc", size: 100, lastUsed: Start.AddMinutes(-10));
        var oldest = Unpacked("aa", size: 100, lastUsed: Start.AddMinutes(-30));
        var middle = Unpacked("bb", size: 100, lastUsed: Start.AddMinutes(-20));

        var removed = await Cleaner().CleanAsync(new HashSet<string>(), CancellationToken.None);

        Assert.Equal(["sha256:aa"], removed);
        Assert.False(Directory.Exists(oldest));
        Assert.True(Directory.Exists(middle));
        Assert.True(Directory.Exists(newest));
    }

    [Fact]
    public async Task CleanAsync_FarOverBudget_RemovesAsManyAsItTakesInOrder()
    {
        Unpacked("aa", size: 100, lastUsed: Start.AddMinutes(-30));
        Unpacked("bb", size: 100, lastUsed: Start.AddMinutes(-20));
        var kept = Unpacked("cc", size: 100, lastUsed: Start.AddMinutes(-10));

        var removed = await Cleaner(maxBytes: 100).CleanAsync(new HashSet<string>(), CancellationToken.None);

        Assert.Equal(["sha256:aa", "sha256:bb"], removed);
        Assert.Equal([kept], Directory.GetDirectories(ImagesDir));
    }

    [Fact]
    public async Task CleanAsync_WithinBudget_RemovesNothing()
    {
        Unpacked("aa", size: 125, lastUsed: Start.AddMinutes(-30));
        Unpacked("bb", size: 125, lastUsed: Start.AddMinutes(-20));

        var removed = await Cleaner().CleanAsync(new HashSet<string>(), CancellationToken.None);

        Assert.Empty(removed);
        Assert.Equal(2, Directory.GetDirectories(ImagesDir).Length);
    }

    [Fact]
    public async Task CleanAsync_BudgetOff_RemovesNothing()
    {
        Unpacked("aa", size: 1000, lastUsed: Start.AddMinutes(-30));

        var removed = await Cleaner(maxBytes: 0).CleanAsync(new HashSet<string>(), CancellationToken.None);

        Assert.Empty(removed);
    }

    [Fact]
    public async Task CleanAsync_UsedWithinTheMinimumAge_KeptUntilItIsPast()
    {
        Unpacked("aa", size: 200, lastUsed: Start.AddSeconds(-59));
        Unpacked("bb", size: 200, lastUsed: Start.AddSeconds(-30));
        var cleaner = Cleaner(minAgeMs: 60_000);

        var tooYoung = await cleaner.CleanAsync(new HashSet<string>(), CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));
        var removed = await cleaner.CleanAsync(new HashSet<string>(), CancellationToken.None);

        Assert.Empty(tooYoung);
        Assert.Equal(["sha256:aa"], removed);
    }

    [Fact]
    public async Task CleanAsync_ImageAFnNames_KeptAndTheNextOneGoes()
    {
        var named = Unpacked("aa", size: 100, lastUsed: Start.AddMinutes(-30));
        Unpacked("bb", size: 100, lastUsed: Start.AddMinutes(-20));
        Unpacked("cc", size: 100, lastUsed: Start.AddMinutes(-10));

        var removed = await Cleaner().CleanAsync(new HashSet<string> { "sha256:aa" }, CancellationToken.None);

        Assert.Equal(["sha256:bb"], removed);
        Assert.True(Directory.Exists(named));
    }

    [Fact]
    public async Task CleanAsync_RootfsAContainerHolds_NeverRemovedAndGoesOnceReleased()
    {
        var held = Unpacked("aa", size: 200, lastUsed: Start.AddMinutes(-30));
        Unpacked("bb", size: 100, lastUsed: Start.AddMinutes(-20));
        var lease = await Cache().AcquireAsync("sha256:aa", "fn/held:1", null, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(1));

        var whileHeld = await Cleaner(maxBytes: 1).CleanAsync(new HashSet<string>(), CancellationToken.None);
        var stillThere = Directory.Exists(Path.Combine(held, "rootfs"));
        lease.Dispose();
        var released = await Cleaner(maxBytes: 1).CleanAsync(new HashSet<string>(), CancellationToken.None);

        Assert.Equal(["sha256:bb"], whileHeld);
        Assert.True(stillThere);
        Assert.Equal(["sha256:aa"], released);
        Assert.Empty(Directory.GetDirectories(ImagesDir));
    }

    [Fact]
    public async Task CleanAsync_RoundsOverBudgetWithNothingToRemove_SayTheExcessAndTheHeldImageOnceUntilTheyChange()
    {
        Unpacked("aa", size: 200, lastUsed: Start.AddMinutes(-30));
        var lease = await Cache().AcquireAsync("sha256:aa", "fn/held:1", null, CancellationToken.None);
        var log = new CapturingLogger();
        var cleaner = Cleaner(maxBytes: 1, logger: log);

        for (var round = 0; round < 3; round++)
        {
            Assert.Empty(await cleaner.CleanAsync(new HashSet<string>(), CancellationToken.None));
        }

        var firstRounds = log.Entries.Select(e => e.EventId).ToList();
        Unpacked("bb", size: 100, lastUsed: Start.AddMinutes(-20));
        await cleaner.CleanAsync(new HashSet<string>(), CancellationToken.None);
        lease.Dispose();

        Assert.Equal([3106, 3108], firstRounds);
        Assert.Equal([3106, 3108, 3106, 3107], log.Entries.Select(e => e.EventId));
    }

    [Fact]
    public async Task CleanAsync_RootfsABundleOfAStoppedNodeNames_Kept()
    {
        var named = Unpacked("aa", size: 200, lastUsed: Start.AddMinutes(-30));
        Unpacked("bb", size: 100, lastUsed: Start.AddMinutes(-20));
        var bundle = Directory.CreateDirectory(Path.Combine(_stateDir, "nodes", "node-b", "bundles", "fnsharp-left-running")).FullName;
        var spec = new JsonObject { ["ociVersion"] = "1.0.2", ["root"] = new JsonObject { ["path"] = Path.Combine(named, "rootfs") + "/", ["readonly"] = true } };
        File.WriteAllText(Path.Combine(bundle, "config.json"), spec.ToJsonString());
        Directory.CreateDirectory(Path.Combine(_stateDir, "nodes", "node-c"));

        var removed = await Cleaner(maxBytes: 1).CleanAsync(new HashSet<string>(), CancellationToken.None);

        Assert.Equal(["sha256:bb"], removed);
        Assert.True(Directory.Exists(named));
    }

    [Fact]
    public async Task AcquireAsync_AndRelease_EachRecordAUseOnTheClock()
    {
        Unpacked("aa", size: 100, lastUsed: Start.AddMinutes(-30));

        var lease = await Cache().AcquireAsync("sha256:aa", "fn/a:1", null, CancellationToken.None);
        var atAcquire = RootfsCache.ListUnpacked(ImagesDir).Single().LastUsed;
        _time.Advance(TimeSpan.FromMinutes(5));
        lease.Dispose();
        var atRelease = RootfsCache.ListUnpacked(ImagesDir).Single().LastUsed;

        Assert.Equal(Path.Combine(ImagesDir, "aa", "rootfs"), lease.Path);
        Assert.Equal(Start, atAcquire);
        Assert.Equal(Start.AddMinutes(5), atRelease);
    }

    [Fact]
    public void TryExclusive_WhileASharedLockIsHeld_RefusedAsInUse()
    {
        var directory = Unpacked("aa", size: 100, lastUsed: Start);
        using var shared = RootfsLock.Shared(directory);

        var exclusive = RootfsLock.TryExclusive(directory, out var inUse);
        var missing = RootfsLock.TryExclusive(Path.Combine(ImagesDir, "zz"), out var missingInUse);

        Assert.NotNull(shared);
        Assert.Null(exclusive);
        Assert.True(inUse);
        Assert.Null(missing);
        Assert.False(missingInUse);
    }

    [Fact]
    public void Shared_OnADirectoryMovedAsideAndReplaced_GivesTheLockUp()
    {
        var directory = Unpacked("aa", size: 100, lastUsed: Start);
        using (var exclusive = RootfsLock.TryExclusive(directory, out _))
        {
            Directory.Move(directory, directory + ".old");
            Directory.CreateDirectory(directory);
        }

        using var shared = RootfsLock.Shared(directory);
        using var exclusiveOnNew = RootfsLock.TryExclusive(directory, out var inUse);

        Assert.NotNull(shared);
        Assert.Null(exclusiveOnNew);
        Assert.True(inUse);
    }

    [Fact]
    public void RemoveUnfinished_UnpackAndRemovalCutOff_RemovesThisNodesAndKeepsTheRest()
    {
        var unpacked = Unpacked("aa", size: 100, lastUsed: Start);
        var cutUnpack = Directory.CreateDirectory(Path.Combine(ImagesDir, "bb" + RootfsCache.UnpackingMark + Node + "-1a2b3c4d", "rootfs", "usr")).Parent!.Parent!.FullName;
        File.WriteAllText(Path.Combine(cutUnpack, "rootfs", "usr", "half"), "half a file");
        var cutRemoval = Directory.CreateDirectory(Path.Combine(ImagesDir, "cc" + RootfsCache.RemovingMark + Node + "-5e6f7a8b", "rootfs")).Parent!.FullName;
        var othersUnpack = Directory.CreateDirectory(Path.Combine(ImagesDir, "dd" + RootfsCache.UnpackingMark + "node-b-1a2b3c4d", "rootfs")).Parent!.FullName;

        var removed = RootfsCache.RemoveUnfinished(ImagesDir, Node);

        Assert.Equal([cutUnpack, cutRemoval], removed);
        Assert.Equal([unpacked, othersUnpack], Directory.GetDirectories(ImagesDir).Order(StringComparer.Ordinal));
        Assert.Equal(["sha256:aa"], RootfsCache.ListUnpacked(ImagesDir).Select(u => u.ImageId));
    }

    [Fact]
    public void MeasureBytes_TreeWithLinks_WhatDuCounts()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_stateDir, "tree", "rootfs", "usr", "bin")).Parent!.Parent!.Parent!.FullName;
        var bin = Path.Combine(directory, "rootfs", "usr", "bin");
        File.WriteAllBytes(Path.Combine(bin, "big"), new byte[100_000]);
        File.WriteAllText(Path.Combine(bin, "small"), "x");
        File.WriteAllBytes(Path.Combine(_stateDir, "outside"), new byte[500_000]);
        File.CreateSymbolicLink(Path.Combine(bin, "outside-link"), Path.Combine(_stateDir, "outside"));
        Directory.CreateSymbolicLink(Path.Combine(directory, "rootfs", "host-link"), _stateDir);
        Run("ln", Path.Combine(bin, "big"), Path.Combine(bin, "big-hardlink"));

        var measured = RootfsCache.MeasureBytes(directory);

        Assert.Equal(long.Parse(Run("du", "-s", "-B1", directory).Split('\t')[0], CultureInfo.InvariantCulture), measured);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ListUnpacked_ImageWithoutAKeptSize_MeasuredAsDuDoesAndKept(bool measureCutOff)
    {
        var directory = Unpacked("aa", size: 0, lastUsed: Start);
        if (!measureCutOff)
        {
            File.Delete(Path.Combine(directory, RootfsCache.SizeFile));
        }

        var listed = RootfsCache.ListUnpacked(ImagesDir).Single();

        Assert.Equal(long.Parse(Run("du", "-s", "-B1", directory).Split('\t')[0], CultureInfo.InvariantCulture), listed.SizeBytes);
        Assert.Equal(listed.SizeBytes.ToString(CultureInfo.InvariantCulture), File.ReadAllText(Path.Combine(directory, RootfsCache.SizeFile)));
        Assert.Equal("fn/aa:1", listed.Name);
    }

    private RootfsCleaner Cleaner(long maxBytes = Budget, long minAgeMs = 0, ILogger? logger = null) =>
        new(ImagesDir, Node, new DockerDriverOptions { Node = Node, ImageCleanMaxBytes = maxBytes, ImageCleanMinAgeMs = minAgeMs }, _time, logger ?? NullLogger.Instance);

    // Never unpacks here: every image the tests acquire is laid out already, so the engine is not asked.
    private RootfsCache Cache() =>
        new(new DockerEngineClient(new DockerDriverOptions { Node = Node }, new DockerApiMetrics(_time, null), _time), ImagesDir, Node, _time, NullLogger.Instance);

    /// <summary>An image's directory as an unpack leaves it: a root filesystem, its kept size, name and last use.</summary>
    private string Unpacked(string hex, long size, DateTimeOffset lastUsed)
    {
        var directory = Path.Combine(ImagesDir, hex);
        Directory.CreateDirectory(Path.Combine(directory, "rootfs", "etc"));
        File.WriteAllText(Path.Combine(directory, "rootfs", "etc", "hostname"), hex);
        File.WriteAllText(Path.Combine(directory, RootfsCache.SizeFile), size.ToString(CultureInfo.InvariantCulture));
        File.WriteAllText(Path.Combine(directory, RootfsCache.ImageFile), $"fn/{hex}:1");
        var used = Path.Combine(directory, RootfsCache.UsedFile);
        File.WriteAllBytes(used, []);
        File.SetLastWriteTimeUtc(used, lastUsed.UtcDateTime);
        return directory;
    }

    private static string Run(string command, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(command, args) { RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output.Trim();
    }
}
