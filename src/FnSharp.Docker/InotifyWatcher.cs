using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace FnSharp.Docker;

/// <summary>
/// One inotify instance for the whole process, with one watch per socket directory being waited on:
/// the node's container starts share it, however many run at once. A host allows few inotify instances
/// (128 per user by default, shared with every other program), so a <see cref="FileSystemWatcher"/> per
/// starting container (one instance each) ran out under bursts of starts; a watcher on the common
/// parent directory would need a watch for every directory below it, which functions can create
/// without bound in their own socket directory. A background thread reads the events and wakes the
/// waiter of the directory they happened in.
/// </summary>
internal sealed partial class InotifyWatcher : IDisposable
{
    // From <sys/inotify.h> and <poll.h>.
    private const uint InCreate = 0x100;
    private const uint InMovedTo = 0x80;
    private const uint InOnlyDir = 0x01000000;
    private const uint InQueueOverflow = 0x4000;
    private const int InNonBlock = 0x800;
    private const int InCloseOnExec = 0x80000;
    private const short PollIn = 0x1;
    private const int Eintr = 4;
    private const int Eagain = 11;

    // The reader checks for disposal this often when no event comes.
    private const int PollTimeoutMs = 1000;

    // A shared watcher that could not be created is tried again after this long, not at every start.
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    private static readonly Lock SharedLock = new();
    private static InotifyWatcher? _shared;
    private static DateTimeOffset _sharedFailedAt = DateTimeOffset.MinValue;

    private readonly int _fd;
    private readonly Lock _lock = new();
    private readonly Dictionary<int, List<Watch>> _watches = [];
    private readonly Thread _reader;
    private volatile bool _disposed;

    private InotifyWatcher(int fd)
    {
        _fd = fd;
        _reader = new Thread(ReadEvents) { IsBackground = true, Name = "fnsharp-inotify" };
        _reader.Start();
    }

    /// <summary>How many directories are watched now (one per wait in flight, fewer when two wait on one directory).</summary>
    public int WatchedDirectories
    {
        get
        {
            lock (_lock)
            {
                return _watches.Count;
            }
        }
    }

    /// <summary>
    /// The process's watcher, created at its first use and kept for the life of the process; <see langword="null"/>
    /// while the kernel refuses an instance (tried again at most once per second, by <paramref name="time"/>).
    /// </summary>
    public static InotifyWatcher? Shared(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        lock (SharedLock)
        {
            // Duration: the waits of one process may come with different clocks (fake ones in tests).
            if (_shared is null && (time.GetUtcNow() - _sharedFailedAt).Duration() >= RetryAfter)
            {
                _shared = TryCreate();
                _sharedFailedAt = _shared is null ? time.GetUtcNow() : DateTimeOffset.MinValue;
            }

            return _shared;
        }
    }

    /// <summary>
    /// A new watcher with its own inotify instance, or <see langword="null"/> when the kernel refuses one
    /// (<c>EMFILE</c>: the user's instances, <c>fs.inotify.max_user_instances</c>, or the process's file
    /// descriptors are used up).
    /// </summary>
    public static InotifyWatcher? TryCreate()
    {
        var fd = InotifyInit1(InNonBlock | InCloseOnExec);
        return fd < 0 ? null : new InotifyWatcher(fd);
    }

    /// <summary>
    /// Calls <paramref name="changed"/> (on the reader thread: it must be quick) whenever a name is created
    /// in <paramref name="directory"/> or moved into it, until the returned watch is disposed; also after
    /// the kernel dropped events (queue overflow). <see langword="null"/> when the kernel refuses the watch
    /// (<c>fs.inotify.max_user_watches</c> reached, or the directory is gone).
    /// </summary>
    public IDisposable? TryWatch(string directory, Action changed)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(changed);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);

            // A second watch of the same directory gets the same descriptor from the kernel: both share it.
            var wd = InotifyAddWatch(_fd, directory, InCreate | InMovedTo | InOnlyDir);
            if (wd < 0)
            {
                return null;
            }

            var watch = new Watch(this, wd, changed);
            if (!_watches.TryGetValue(wd, out var list))
            {
                _watches[wd] = list = [];
            }

            list.Add(watch);
            return watch;
        }
    }

    /// <summary>Stops the reader (within a second) and closes the instance.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _reader.Join();
        _ = Close(_fd);
    }

    private void Remove(Watch watch)
    {
        lock (_lock)
        {
            if (!_watches.TryGetValue(watch.Descriptor, out var list) || !list.Remove(watch) || list.Count > 0)
            {
                return;
            }

            _watches.Remove(watch.Descriptor);
            if (!_disposed)
            {
                // Fails harmlessly when the kernel dropped the watch already (its directory was removed).
                _ = InotifyRmWatch(_fd, watch.Descriptor);
            }
        }
    }

    private void ReadEvents()
    {
        // inotify events are at most 16 bytes plus NAME_MAX + 1 each; this holds many at once.
        var buffer = new byte[64 * 1024];
        var poll = new PollFd { Fd = _fd, Events = PollIn };
        while (!_disposed)
        {
            if (Poll(ref poll, 1, PollTimeoutMs) <= 0)
            {
                continue;
            }

            while (!_disposed)
            {
                var read = (int)Read(_fd, ref MemoryMarshal.GetArrayDataReference(buffer), buffer.Length);
                if (read > 0)
                {
                    Dispatch(buffer.AsSpan(0, read));
                    continue;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (read < 0 && errno == Eintr)
                {
                    continue;
                }

                // EAGAIN: nothing more to read until the next poll. Anything else would repeat at once: wake
                // every waiter (their poll catches up) and go back to waiting.
                if (read < 0 && errno != Eagain)
                {
                    WakeAll();
                }

                break;
            }
        }
    }

    private void Dispatch(ReadOnlySpan<byte> events)
    {
        // struct inotify_event { int wd; uint32_t mask; uint32_t cookie; uint32_t len; char name[len]; }
        var woken = new List<Action>();
        lock (_lock)
        {
            for (var offset = 0; offset + 16 <= events.Length;)
            {
                var wd = BinaryPrimitives.ReadInt32LittleEndian(events[offset..]);
                var mask = BinaryPrimitives.ReadUInt32LittleEndian(events[(offset + 4)..]);
                var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(events[(offset + 12)..]);
                offset += 16 + length;
                if ((mask & InQueueOverflow) != 0)
                {
                    woken.AddRange(_watches.Values.SelectMany(w => w).Select(w => w.Changed));
                }
                else if ((mask & (InCreate | InMovedTo)) != 0 && _watches.TryGetValue(wd, out var list))
                {
                    woken.AddRange(list.Select(w => w.Changed));
                }
            }
        }

        woken.ForEach(w => w());
    }

    private void WakeAll()
    {
        List<Action> woken;
        lock (_lock)
        {
            woken = [.. _watches.Values.SelectMany(w => w).Select(w => w.Changed)];
        }

        woken.ForEach(w => w());
    }

    [LibraryImport("libc", EntryPoint = "inotify_init1", SetLastError = true)]
    private static partial int InotifyInit1(int flags);

    [LibraryImport("libc", EntryPoint = "inotify_add_watch", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int InotifyAddWatch(int fd, string path, uint mask);

    [LibraryImport("libc", EntryPoint = "inotify_rm_watch", SetLastError = true)]
    private static partial int InotifyRmWatch(int fd, int wd);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(ref PollFd fds, nuint count, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, ref byte buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    /// <summary>One waiter's interest in one directory.</summary>
    private sealed class Watch(InotifyWatcher owner, int descriptor, Action changed) : IDisposable
    {
        public int Descriptor => descriptor;

        public Action Changed => changed;

        public void Dispose() => owner.Remove(this);
    }
}
