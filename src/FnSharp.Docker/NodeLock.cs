using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace FnSharp.Docker;

/// <summary>
/// Makes a node's name (<c>FN_NODE_NAME</c>, the host's name by default) one server's alone on its host while it runs:
/// an exclusive <c>flock(2)</c> on <c>FN_IOFS_PATH/.node-NAME.lock</c>, the holder's process id beside it in <c>.node-NAME.pid</c>. Two
/// servers under one name on one engine remove each other's containers (each takes the other's for leftovers of its own
/// at start-up and for orphans while it runs), so the second is refused at start-up instead. The kernel drops the lock
/// when its process ends, however it ends. Servers whose <c>FN_IOFS_PATH</c> differ do not see each other's lock.
/// </summary>
public sealed class NodeLock : IDisposable
{
    private readonly SafeFileHandle _handle;

    private NodeLock(SafeFileHandle handle, string path)
    {
        _handle = handle;
        Path = path;
    }

    /// <summary>The lock file: <c>ROOT/.node-NAME.lock</c>.</summary>
    public string Path { get; }

    /// <summary>The lock file of node <paramref name="node"/> under <paramref name="root"/> (<c>FN_IOFS_PATH</c>).</summary>
    public static string PathOf(string root, string node) => System.IO.Path.Combine(root, ".node-" + Runc.RootfsCache.Sanitize(node) + ".lock");

    /// <summary>
    /// Takes node <paramref name="node"/>'s lock under <paramref name="root"/> (which must exist), without waiting, and
    /// writes this process's id beside it (<c>.node-NAME.pid</c>).
    /// </summary>
    /// <param name="root">The containers' socket directories' root (<c>FN_IOFS_PATH</c>), shared by the host's servers.</param>
    /// <param name="node">The node's name.</param>
    /// <param name="holder">When another process holds the lock: its process id as it wrote it (<see langword="null"/> when unreadable).</param>
    /// <returns>The lock, held until disposed, or <see langword="null"/> when another open file holds it.</returns>
    /// <exception cref="IOException">The file cannot be opened or locked (a read-only or foreign directory, a link in its place).</exception>
    /// <exception cref="UnauthorizedAccessException">The server's user may not write the file.</exception>
    public static NodeLock? TryTake(string root, string node, out int? holder)
    {
        // Opened through the C library, not .NET's file APIs, which take a flock of their own on every open: the holder's
        // lock would then refuse the open itself, and the pid beside it could not be read.
        var path = PathOf(root, node);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            if (!File.Exists(path))
            {
                File.WriteAllBytes(path, []);
            }

            // A holder that let go removed the file it held: a lock on that file is no one's, take the new one.
            var handle = UnixFiles.LockAtPath(path, exclusive: true, wait: false, out var held);
            if (held)
            {
                holder = ReadHolder(PidPathOf(path));
                return null;
            }

            if (handle is null)
            {
                continue;
            }

            try
            {
                File.WriteAllText(PidPathOf(path), Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
            }
            catch
            {
                handle.Dispose();
                throw;
            }

            holder = null;
            return new NodeLock(handle, path);
        }

        throw new IOException($"{path} kept changing while it was being locked (a link, or another program replacing it): remove it");
    }

    /// <summary>Lets the lock go, and removes its file and the pid beside it while still holding it (a node name a test made up leaves nothing).</summary>
    public void Dispose()
    {
        if (_handle.IsClosed)
        {
            return;
        }

        try
        {
            File.Delete(PidPathOf(Path));
            File.Delete(Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next server of the node, which takes it as it is.
        }

        _handle.Dispose();
    }

    // The holder's process id, beside the lock (.node-NAME.pid): the lock file itself is only opened to be locked.
    private static string PidPathOf(string lockPath) => System.IO.Path.ChangeExtension(lockPath, ".pid");

    private static int? ReadHolder(string path)
    {
        try
        {
            return int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
