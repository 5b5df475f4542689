using FnSharp.Testing.Docker;

namespace FnSharp.Docker.Tests.Runc;

/// <summary>One runc state directory for a test class, so that its tests unpack each image once; each test has its own node in it.</summary>
public sealed class RuncStateDir : IDisposable
{
    public string Path { get; } = RuncProbe.NewStateDir();

    public void Dispose() => DockerDriver.DeleteDirectory(Path);
}
