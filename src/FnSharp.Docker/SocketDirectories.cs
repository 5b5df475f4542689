using FnSharp.Agent.Drivers;

namespace FnSharp.Docker;

/// <summary>
/// The containers' socket directories: one per container under <see cref="DockerDriverOptions.IofsRoot"/>
/// (<c>FN_IOFS_PATH</c>), made by the server's user and opened to everyone (the container's user, 1000:1000 by
/// default, creates its socket there), as Fn's agent makes its <c>iofs</c> directories. A root the server's user
/// cannot write (a <c>/tmp/fnsharp-iofs</c> another user made, say) is the node's fault: refused at start-up
/// (<see cref="Problem"/>) and, should it turn unusable later, a start fails with
/// <see cref="ContainerStartError.NodeFault"/>, never as the function's failure to initialize.
/// </summary>
public static class SocketDirectories
{
    /// <summary>The setting that places the root (Fn's name).</summary>
    public const string Setting = "FN_IOFS_PATH";

    /// <summary>The bytes a container's socket path adds to the root: <c>/fnsharp-</c>, 20 characters of its name, <c>/lsnr.sock</c>.</summary>
    public const int SocketPathBytes = 39;

    /// <summary>The longest root, in bytes: a unix socket's path (<c>sun_path</c>) holds at most 107 bytes.</summary>
    public const int MaxRootBytes = 107 - SocketPathBytes;

    /// <summary>
    /// Whether the server's user can make socket directories under <paramref name="root"/> (made if missing): a
    /// probe directory is made, opened to everyone and removed. <see langword="null"/> when it can; else what is
    /// wrong, naming the directory, the user and the fix.
    /// </summary>
    /// <param name="root">The root (<see cref="DockerDriverOptions.IofsRoot"/>).</param>
    public static string? Problem(string root)
    {
        try
        {
            var probe = Create(root, ".fnsharp-probe-" + Guid.NewGuid().ToString("N")[..12]);
            Directory.Delete(probe);
            return null;
        }
        catch (ContainerStartException e)
        {
            return e.Message;
        }
    }

    /// <summary>Makes the socket directory <paramref name="name"/> under <paramref name="root"/>, open to every user; returns its path.</summary>
    /// <exception cref="ContainerStartException">
    /// <see cref="ContainerStartError.NodeFault"/>: the server's user cannot make it (the root is not a directory, or
    /// not writable by that user); its <see cref="ContainerStartException.Reason"/> names the root and the fix.
    /// </exception>
    public static string Create(string root, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var path = Path.Combine(root, name);
        try
        {
            Directory.CreateDirectory(path);

            // The container's user (1000:1000 by default) must be able to create its socket here.
            File.SetUnixFileMode(path, (UnixFileMode)0b111_111_111);
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var reason = Unusable(root, e);
            throw new ContainerStartException(ContainerStartError.NodeFault, reason, e) { Reason = reason };
        }
    }

    /// <summary>
    /// Deletes a container's socket directory once the container is gone. One the server's user cannot delete (its root
    /// turned unusable, which the failed starts report) is left behind: it must not fail the removal of the container.
    /// </summary>
    /// <param name="path">The directory (<see cref="Create"/>'s answer).</param>
    public static void Delete(string path)
    {
        try
        {
            DockerDriver.DeleteDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left: an empty directory under a root the operator must fix anyway.
        }
    }

    /// <summary>What is wrong with <paramref name="root"/>, from the failure <paramref name="e"/> to make a directory in it, and the fix.</summary>
    private static string Unusable(string root, Exception e) =>
        $"the containers' socket directory {root} is not usable by this server's user ({Environment.UserName}): {e.Message.TrimEnd('.')}; "
        + $"make it a directory that user can write (for example 'sudo chown {Environment.UserName} {root}', or remove it and the server makes it), or set {Setting} to one";
}
