namespace FnSharp.Docker.Runc;

/// <summary>
/// A container's hold on its image's root filesystem (<see cref="RootfsCache.AcquireAsync"/>): the shared
/// <see cref="RootfsLock"/>, so that the clean-up leaves it, and a use recorded when it is taken and when it is
/// given up, so that the least recently used goes first. Disposed once the container is removed; disposing again does nothing.
/// </summary>
internal sealed class RootfsLease : IDisposable
{
    private readonly RootfsLock _lock;
    private readonly Action _released;
    private int _disposed;

    /// <summary>Holds <paramref name="held"/> on <paramref name="rootfs"/>; <paramref name="released"/> runs before the lock goes.</summary>
    public RootfsLease(string rootfs, RootfsLock held, Action released)
    {
        Path = rootfs;
        _lock = held;
        _released = released;
    }

    /// <summary>The root filesystem's directory, which the container's <c>config.json</c> names.</summary>
    public string Path { get; }

    /// <summary>Records the use, then gives the lock up.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            _released();
        }
        finally
        {
            _lock.Dispose();
        }
    }
}
