using System.Globalization;

namespace FnSharp.Server.Tests.Integration;

/// <summary>A process's inotify instances, read from <c>/proc/PID/fd</c> and <c>/proc/PID/fdinfo</c> (same user, no privilege).</summary>
internal static class ProcessInotify
{
    /// <summary>The host's limit of inotify instances per user (<c>fs.inotify.max_user_instances</c>).</summary>
    public static int UserLimit() => int.Parse(File.ReadAllText("/proc/sys/fs/inotify/max_user_instances").Trim(), CultureInfo.InvariantCulture);

    /// <summary>
    /// How many inotify instances the processes this one can see hold (the tests run as the user whose limit counts,
    /// with dockerd's when it is the same user).
    /// </summary>
    public static int HeldByThisUser()
    {
        var held = 0;
        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(process), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                try
                {
                    held += InstancesOf(pid).Count;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Gone meanwhile, or another user's.
                }
            }
        }

        return held;
    }

    /// <summary>The process's inotify instances (by file descriptor) with how many watches each holds now; gone descriptors are skipped.</summary>
    public static Dictionary<int, int> InstancesOf(int pid)
    {
        var instances = new Dictionary<int, int>();
        foreach (var entry in Directory.EnumerateFileSystemEntries($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/fd"))
        {
            try
            {
                if (new FileInfo(entry).LinkTarget != "anon_inode:inotify")
                {
                    continue;
                }

                var fd = int.Parse(Path.GetFileName(entry), CultureInfo.InvariantCulture);
                var info = File.ReadAllLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/fdinfo/{fd.ToString(CultureInfo.InvariantCulture)}");
                instances[fd] = info.Count(line => line.StartsWith("inotify wd:", StringComparison.Ordinal));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Closed between the listing and the read.
            }
        }

        return instances;
    }
}
