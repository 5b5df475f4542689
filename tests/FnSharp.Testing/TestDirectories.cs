using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace FnSharp.Testing;

/// <summary>
/// Temporary directories of a test process, all under one root per process, <c>/tmp/fnsharp-tests/PID</c>, that is
/// deleted when the process exits. A directory outlives whatever made it (a disposed server factory's store, opened
/// again by a second factory to play a restart) until then. The roots of test processes that no longer run (killed
/// by the hang timeout, crashed) are deleted when the next test process makes its first directory.
/// </summary>
/// <remarks>
/// The names stay short: a unix socket in one (a fake container's <c>lsnr.sock</c>) must have a path under 108 bytes.
/// A root with a mount point under it (a container's bind mount left by a crash) is kept, since deleting it would
/// delete what is mounted. Files a process may not delete (written by a container as another user) are left.
/// </remarks>
public static class TestDirectories
{
    private static readonly string s_base = Path.Combine(Path.GetTempPath(), "fnsharp-tests");
    private static readonly Lazy<string> s_root = new(CreateRoot);
    private static int s_next;

    /// <summary>This process's root, <c>/tmp/fnsharp-tests/PID</c>; made at the first use.</summary>
    public static string Root => s_root.Value;

    /// <summary>
    /// Makes a new empty directory under <see cref="Root"/>, readable only by its owner, named
    /// <paramref name="prefix"/> and a number unique in this process (for example <c>fnsharp-test-12</c>); returns its full path.
    /// </summary>
    public static string Create(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var path = Path.Combine(Root, prefix + Interlocked.Increment(ref s_next).ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static string CreateRoot()
    {
        // Shared by the users of a machine, as /tmp is (mode 1777): each deletes only what it may.
        Directory.CreateDirectory(s_base);
        TrySetMode(s_base, (UnixFileMode)0b1_111_111_111);

        DeleteRootsOfEndedProcesses();
        var root = Path.Combine(s_base, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));

        // Left by an ended process whose id this one has now.
        TryDelete(root);
        Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(root);
        return root;
    }

    private static void DeleteRootsOfEndedProcesses()
    {
        foreach (var directory in Directory.EnumerateDirectories(s_base))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && pid != Environment.ProcessId && !IsRunning(pid))
            {
                TryDelete(directory);
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDelete(string root)
    {
        if (HasMountUnder(root))
        {
            return;
        }

        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone meanwhile (another test process deleted it first), or not ours to delete: left.
        }
    }

    /// <summary>Whether a mount point lies under <paramref name="root"/> (Linux's /proc/self/mounts; none elsewhere).</summary>
    private static bool HasMountUnder(string root)
    {
        const string Mounts = "/proc/self/mounts";
        if (!File.Exists(Mounts))
        {
            return false;
        }

        var prefix = root.TrimEnd('/') + "/";
        foreach (var line in File.ReadLines(Mounts))
        {
            // "device mountpoint type options 0 0", with a space, tab, newline or backslash in a path as octal (\040).
            var fields = line.Split(' ');
            if (fields.Length > 1 && Unescape(fields[1]).StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var text = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && !field.AsSpan(i + 1, 3).ContainsAnyExceptInRange('0', '7'))
            {
                text.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                text.Append(field[i]);
            }
        }

        return text.ToString();
    }

    private static void TrySetMode(string path, UnixFileMode mode)
    {
        try
        {
            File.SetUnixFileMode(path, mode);
        }
        catch (UnauthorizedAccessException)
        {
            // Made by another user, who set its mode.
        }
    }
}
