using Microsoft.Win32.SafeHandles;

namespace FnSharp.Docker.Runc;

/// <summary>
/// A lock on one unpacked image's directory under <c>images/</c> (<c>flock(2)</c> on the directory itself, so it holds
/// across the nodes of the host): each container of the image holds it shared from its create until its removal, and
/// the clean-up takes it exclusive, without waiting, only to move the directory out of the way. So the clean-up can
/// never take a root filesystem that a container holds, and a container never gets one the clean-up is taking: a lock
/// taken on a directory that was moved away meanwhile is given up (the caller unpacks the image again).
/// The lock goes when it is disposed, or with the process.
/// </summary>
internal sealed class RootfsLock : IDisposable
{
    private readonly SafeFileHandle _handle;

    private RootfsLock(SafeFileHandle handle) => _handle = handle;

    /// <summary>
    /// The shared lock of <paramref name="imageDirectory"/>, waited for (the clean-up holds the exclusive one only
    /// while it renames the directory); <see langword="null"/> when the directory is gone or was moved away.
    /// </summary>
    /// <exception cref="IOException">The directory could not be opened or locked.</exception>
    public static RootfsLock? Shared(string imageDirectory) => Take(imageDirectory, exclusive: false, out _);

    /// <summary>
    /// The exclusive lock of <paramref name="imageDirectory"/>, not waited for; <see langword="null"/> when a container
    /// holds the shared one (<paramref name="inUse"/>), or the directory is gone or was moved away.
    /// </summary>
    /// <exception cref="IOException">The directory could not be opened or locked.</exception>
    public static RootfsLock? TryExclusive(string imageDirectory, out bool inUse) => Take(imageDirectory, exclusive: true, out inUse);

    /// <summary>Gives the lock up.</summary>
    public void Dispose() => _handle.Dispose();

    // Between the open and the lock the clean-up may have moved the directory away, and an unpack put another in its
    // place: the lock holds only on the directory that is at the path now (UnixFiles.LockAtPath).
    private static RootfsLock? Take(string imageDirectory, bool exclusive, out bool inUse) =>
        UnixFiles.LockAtPath(imageDirectory, exclusive, wait: !exclusive, out inUse) is { } handle ? new RootfsLock(handle) : null;
}
