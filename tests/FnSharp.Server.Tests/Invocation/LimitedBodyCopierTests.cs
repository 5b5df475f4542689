using FnSharp.Server.Invocation;
using FnSharp.Testing;

namespace FnSharp.Server.Tests.Invocation;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class LimitedBodyCopierTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 200_000)]
    [InlineData(1000, 1000)]
    [InlineData(1000, 10)]
    [InlineData(1_000_000, 200_000)]
    public async Task CopyAsync_WithinLimit_WholeBodySentAfterStart(long max, int size)
    {
        var body = Bytes(size);
        using var destination = new MemoryStream();
        var started = 0;

        var result = await LimitedBodyCopier.CopyAsync(new MemoryStream(body), null, max, LimitedBodyCopier.HoldBackBytes, destination, () => Start(ref started, destination), null, CancellationToken.None);

        Assert.Equal(BodyCopyResult.Completed, result);
        Assert.Equal(1, started);
        Assert.Equal(body, destination.ToArray());
    }

    [Theory]
    [InlineData(0, 0, true)]
    [InlineData(0, 2, true)]
    [InlineData(0, LimitedBodyCopier.HoldBackBytes - 1, true)]
    [InlineData(0, LimitedBodyCopier.HoldBackBytes, false)]
    [InlineData(0, 200_000, false)]
    [InlineData(1000, 10, true)]
    [InlineData(1000, 1000, true)]
    [InlineData(1_000_000, 200_000, false)]
    public async Task CopyAsync_BodyEndsWithinTheHoldBack_ReadWholeBeforeAnythingIsSent(long max, int size, bool readWhole)
    {
        var body = Bytes(size);
        using var destination = new MemoryStream();
        var steps = new List<string>();

        var result = await LimitedBodyCopier.CopyAsync(
            new MemoryStream(body),
            null,
            max,
            LimitedBodyCopier.HoldBackBytes,
            destination,
            () =>
            {
                steps.Add("start");
                return Task.CompletedTask;
            },
            () =>
            {
                steps.Add("read whole");
                return ValueTask.CompletedTask;
            },
            CancellationToken.None);

        Assert.Equal(BodyCopyResult.Completed, result);
        Assert.Equal(readWhole ? ["read whole", "start"] : ["start"], steps);
        Assert.Equal(body, destination.ToArray());
    }

    [Fact]
    public async Task CopyAsync_NoLimitAndTheRestStillComing_StartsWithWhatArrivedAndNeverReadWhole()
    {
        var pipe = new System.IO.Pipelines.Pipe();
        await pipe.Writer.WriteAsync(Bytes(10));
        using var destination = new MemoryStream();
        var started = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var readWhole = false;

        var copy = LimitedBodyCopier.CopyAsync(
            pipe.Reader.AsStream(),
            null,
            0,
            LimitedBodyCopier.HoldBackBytes,
            destination,
            () =>
            {
                started.SetResult(destination.Length);
                return Task.CompletedTask;
            },
            () =>
            {
                readWhole = true;
                return ValueTask.CompletedTask;
            },
            CancellationToken.None);
        var sentAtStart = await started.Task;
        await pipe.Writer.WriteAsync(Bytes(100_000));
        await pipe.Writer.CompleteAsync();

        Assert.Equal(BodyCopyResult.Completed, await copy);
        Assert.Equal((0L, false, 100_010L), (sentAtStart, readWhole, destination.Length));
    }

    [Fact]
    public async Task CopyAsync_DeclaredLengthOverLimit_TooLargeBeforeReading()
    {
        using var destination = new MemoryStream();
        var started = 0;

        var result = await LimitedBodyCopier.CopyAsync(new MemoryStream(Bytes(10)), 5000, 1000, LimitedBodyCopier.HoldBackBytes, destination, () => Start(ref started, destination), null, CancellationToken.None);

        Assert.Equal((BodyCopyResult.TooLarge, 0, 0L), (result, started, destination.Length));
    }

    [Fact]
    public async Task CopyAsync_SmallLimitUndeclaredLength_TooLargeAndNothingSent()
    {
        using var destination = new MemoryStream();
        var started = 0;

        var result = await LimitedBodyCopier.CopyAsync(new MemoryStream(Bytes(1001)), null, 1000, LimitedBodyCopier.HoldBackBytes, destination, () => Start(ref started, destination), null, CancellationToken.None);

        Assert.Equal((BodyCopyResult.TooLarge, 0, 0L), (result, started, destination.Length));
    }

    [Fact]
    public async Task CopyAsync_OverLimitPastHoldBack_TooLargeAfterStartAndNeverMoreThanLimitSent()
    {
        const long Max = LimitedBodyCopier.HoldBackBytes * 2L;
        using var destination = new MemoryStream();
        var started = 0;

        var result = await LimitedBodyCopier.CopyAsync(new MemoryStream(Bytes((int)Max + 1)), null, Max, LimitedBodyCopier.HoldBackBytes, destination, () => Start(ref started, destination), null, CancellationToken.None);

        Assert.Equal(BodyCopyResult.TooLargeAfterStart, result);
        Assert.Equal(1, started);
        Assert.True(destination.Length <= Max);
    }

    [Fact]
    public async Task CopyAsync_HoldBackAsLargeAsTheLimit_ThirtyTimesTheLimitTooLargeAndNothingSent()
    {
        const int Max = 10 * 1024 * 1024;
        using var destination = new MemoryStream();
        var started = 0;

        var result = await LimitedBodyCopier.CopyAsync(new MemoryStream(Bytes(30 * 1024 * 1024)), null, Max, Max, destination, () => Start(ref started, destination), null, CancellationToken.None);

        Assert.Equal((BodyCopyResult.TooLarge, 0, 0L), (result, started, destination.Length));
    }

    private static Task Start(ref int started, MemoryStream destination)
    {
        Assert.Equal(0, destination.Length);
        started++;
        return Task.CompletedTask;
    }

    private static byte[] Bytes(int size) => [.. Enumerable.Range(0, size).Select(i => (byte)(i % 251))];
}
