using FnSharp.Docker.Runc;
using Xunit;

namespace FnSharp.Testing.Docker;

/// <summary>Whether this host can run the runc driver's tests: they skip, saying why, without root or runc.</summary>
public static class RuncProbe
{
    /// <summary>Skips the calling <c>[SkippableFact]</c> unless the server would run runc containers here.</summary>
    public static void SkipUnlessAvailable()
    {
        Skip.IfNot(Environment.IsPrivilegedProcess, "the runc driver's tests need root (runc creates namespaces, cgroups and mounts)");
        Skip.If(new RuncDriverOptions().ResolveRuncPath() is null, "runc is not installed (apt-get install runc; docker.io installs it)");
    }

    /// <summary>A fresh state directory for a runc driver, under <see cref="TestDirectories"/> (deleted when the test process exits).</summary>
    public static string NewStateDir() => TestDirectories.Create("fnsharp-runc-");
}
