namespace FnSharp.Testing;

/// <summary>Where the repository is, for tests that run its scripts or read its files.</summary>
public static class RepositoryPaths
{
    /// <summary>The repository's root: the first directory above the test binaries that holds <c>FnSharp.sln</c>.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FnSharp.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("FnSharp.sln not found above " + AppContext.BaseDirectory);
    }
}
