namespace FnSharp.Docker;

/// <summary>
/// A container's place in its fn's cgroup (<see cref="FnCgroups.Enter"/>), held from before its create until it is
/// removed: disposing it (once; again does nothing) lets the fn's cgroup go with the fn's last container.
/// </summary>
internal sealed class FnCgroupLease : IDisposable
{
    private Action? _leave;

    /// <summary>Creates the lease of <paramref name="path"/>; <paramref name="leave"/> runs at the first dispose.</summary>
    public FnCgroupLease(string? path, Action leave)
    {
        Path = path;
        _leave = leave;
    }

    /// <summary>The fn's cgroup relative to the cgroup root (<c>/fnsharp-NODE/fn-ID</c>), or <see langword="null"/> when fn cgroups are not used.</summary>
    public string? Path { get; }

    /// <summary>Leaves the fn's cgroup; only the first call acts.</summary>
    public void Dispose() => Interlocked.Exchange(ref _leave, null)?.Invoke();
}
