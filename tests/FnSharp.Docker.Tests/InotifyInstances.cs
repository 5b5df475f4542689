using System.Runtime.InteropServices;

namespace FnSharp.Docker.Tests;

/// <summary>
/// Takes every inotify instance the host still allows this user (<c>fs.inotify.max_user_instances</c>,
/// shared by every process of the user on the host) until disposed. Other programs cannot get one
/// meanwhile: hold it only around the few lines that must meet an exhausted host.
/// </summary>
internal sealed partial class InotifyInstances : IDisposable
{
    private const int InCloseOnExec = 0x80000;

    // Far above any host's per-user limit; only a guard against a host without one.
    private const int MaxHeld = 65_536;

    private readonly List<int> _held = [];

    private InotifyInstances()
    {
        while (_held.Count < MaxHeld && InotifyInit1(InCloseOnExec) is var fd and >= 0)
        {
            _held.Add(fd);
        }
    }

    /// <summary>How many instances were free, and are held now.</summary>
    public int Count => _held.Count;

    public static InotifyInstances HoldAllFree() => new();

    public void Dispose()
    {
        _held.ForEach(fd => Close(fd));
        _held.Clear();
    }

    [LibraryImport("libc", EntryPoint = "inotify_init1", SetLastError = true)]
    private static partial int InotifyInit1(int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
