using System.Formats.Tar;

namespace FnSharp.Cli.Images;

/// <summary>
/// The build context sent to the engine: a directory as a tar archive, less what its
/// <c>.dockerignore</c> leaves out (the Dockerfile and the <c>.dockerignore</c> itself are always sent,
/// as the Docker CLI sends them).
/// </summary>
internal static class BuildContext
{
    /// <summary>Writes the context of <paramref name="directory"/> to a temporary file, deleted when the stream is closed; returns the stream at its start.</summary>
    public static async Task<Stream> CreateAsync(string directory, CancellationToken cancellationToken)
    {
        var ignore = DockerIgnore.Read(directory);
        var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            await using (var tar = new TarWriter(file, TarEntryFormat.Pax, leaveOpen: true))
            {
                foreach (var (path, name) in Entries(directory, ignore))
                {
                    await tar.WriteEntryAsync(path, name, cancellationToken);
                }
            }

            file.Position = 0;
            return file;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    /// <summary>The files and directories sent, as (full path, name in the archive), parents before children.</summary>
    public static IEnumerable<(string Path, string Name)> Entries(string directory, DockerIgnore ignore)
    {
        var pending = new Stack<string>();
        pending.Push(directory);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            foreach (var entry in new DirectoryInfo(current).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                var name = Path.GetRelativePath(directory, entry.FullName).Replace('\\', '/');
                var isDirectory = entry is DirectoryInfo && entry.LinkTarget is null;
                var excluded = ignore.IsExcluded(name) && name is not ("Dockerfile" or ".dockerignore");
                if (!excluded)
                {
                    yield return (entry.FullName, name);
                }

                // An excluded directory is still walked when a '!' rule may bring back something inside it.
                if (isDirectory && (!excluded || ignore.HasExceptions))
                {
                    pending.Push(entry.FullName);
                }
            }
        }
    }
}
