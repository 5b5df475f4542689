using System.Reflection;
using FnSharp.Core.Models;
using FnSharp.Core.Storage;
using FnSharp.Server.Invocation;
using FnSharp.Testing;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Server.Tests.Invocation;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class CachingDataStoreTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly ScriptedStore _inner;
    private readonly CachingDataStore _store;

    public CachingDataStoreTests()
    {
        var proxy = DispatchProxy.Create<IDataStore, ScriptedStore>();
        _inner = (ScriptedStore)(object)proxy;
        _store = new CachingDataStore(proxy, _clock, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task GetFnAsync_Twice_StoreReadOnce()
    {
        _inner.Fn = new Fn { Id = "F", Image = "v1" };

        await _store.GetFnAsync("F", CancellationToken.None);
        var second = await _store.GetFnAsync("F", CancellationToken.None);

        Assert.Equal("v1", second?.Image);
        Assert.Equal(1, _inner.Reads);
    }

    [Fact]
    public async Task GetFnAsync_AfterWrite_ReadsAgain()
    {
        _inner.Fn = new Fn { Id = "F", Image = "v1" };
        await _store.GetFnAsync("F", CancellationToken.None);

        await _store.UpdateFnAsync("F", fn => fn with { Image = "v2" }, CancellationToken.None);
        var after = await _store.GetFnAsync("F", CancellationToken.None);

        Assert.Equal("v2", after?.Image);
        Assert.Equal(2, _inner.Reads);
    }

    [Fact]
    public async Task GetFnAsync_ReadOverlapsWrite_StaleValueNeverServedAfterTheWrite()
    {
        _inner.Fn = new Fn { Id = "F", Image = "v1" };
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _inner.ReadGate = gate.Task;

        // The read sees v1, then the write commits v2 before the read puts v1 in the cache.
        var slowRead = _store.GetFnAsync("F", CancellationToken.None);
        _inner.ReadGate = null;
        await _store.UpdateFnAsync("F", fn => fn with { Image = "v2" }, CancellationToken.None);
        gate.SetResult();
        Assert.Equal("v1", (await slowRead)?.Image);

        Assert.Equal("v2", (await _store.GetFnAsync("F", CancellationToken.None))?.Image);
    }

    [Fact]
    public async Task GetFnAsync_LifetimePassed_ReadsAgain()
    {
        _inner.Fn = new Fn { Id = "F", Image = "v1" };
        await _store.GetFnAsync("F", CancellationToken.None);

        _clock.Advance(TimeSpan.FromSeconds(5));
        await _store.GetFnAsync("F", CancellationToken.None);

        Assert.Equal(2, _inner.Reads);
    }

    [Fact]
    public async Task GetFnAsync_ZeroLifetime_NeverCached()
    {
        _inner.Fn = new Fn { Id = "F" };
        var uncached = new CachingDataStore((IDataStore)(object)_inner, _clock, TimeSpan.Zero);

        await uncached.GetFnAsync("F", CancellationToken.None);
        await uncached.GetFnAsync("F", CancellationToken.None);

        Assert.Equal(2, _inner.Reads);
    }

    [Fact]
    public async Task Invalidate_ChangeCommittedElsewhere_NextLookupReadsTheStore()
    {
        _inner.Fn = new Fn { Id = "F", Image = "v1" };
        await _store.GetFnAsync("F", CancellationToken.None);
        _inner.Fn = new Fn { Id = "F", Image = "v2" };

        _store.Invalidate();
        var after = await _store.GetFnAsync("F", CancellationToken.None);

        Assert.Equal(("v2", 2), (after?.Image, _inner.Reads));
    }

    [Fact]
    public async Task Suspend_EveryLookupReadsTheStoreUntilResumed()
    {
        _inner.Fn = new Fn { Id = "F", Image = "v1" };
        await _store.GetFnAsync("F", CancellationToken.None);

        _store.Suspend();
        await _store.GetFnAsync("F", CancellationToken.None);
        await _store.GetFnAsync("F", CancellationToken.None);
        var whileSuspended = _inner.Reads;
        _store.Resume();
        await _store.GetFnAsync("F", CancellationToken.None);
        await _store.GetFnAsync("F", CancellationToken.None);

        Assert.Equal((3, 4), (whileSuspended, _inner.Reads));
    }

    [Fact]
    public async Task Resume_ReadBegunWhileSuspended_NotServedAfterwards()
    {
        _inner.Fn = new Fn { Id = "F", Image = "v1" };
        _store.Suspend();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _inner.ReadGate = gate.Task;
        var slowRead = _store.GetFnAsync("F", CancellationToken.None);
        _inner.ReadGate = null;
        _inner.Fn = new Fn { Id = "F", Image = "v2" };

        _store.Resume();
        gate.SetResult();
        await slowRead;
        var after = await _store.GetFnAsync("F", CancellationToken.None);

        Assert.Equal("v2", after?.Image);
    }

    /// <summary>A store with one fn; <see cref="ReadGate"/> holds a read after it has read the value.</summary>
    public class ScriptedStore : DispatchProxy
    {
        private int _reads;

        public Fn? Fn { get; set; }

        public Task? ReadGate { get; set; }

        public int Reads => _reads;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
        {
            nameof(IDataStore.GetFnAsync) => (object)ReadAsync(),
            nameof(IDataStore.UpdateFnAsync) => Task.FromResult<Fn>(Fn = ((Func<Fn, Fn>)args![1]!)(Fn!)),
            _ => throw new NotSupportedException(targetMethod?.Name),
        };

        private async Task<Fn?> ReadAsync()
        {
            Interlocked.Increment(ref _reads);
            var value = Fn;
            if (ReadGate is { } gate)
            {
                await gate;
            }

            return value;
        }
    }
}
