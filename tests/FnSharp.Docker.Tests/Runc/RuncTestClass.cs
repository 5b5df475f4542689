using FnSharp.Docker.Runc;

namespace FnSharp.Docker.Tests.Runc;

/// <summary>
/// A test class of the runc driver on the real runtime: a driver for a node of its own in the class's state directory
/// (<see cref="Runc"/>), made only where runc can run (the tests skip elsewhere, saying why), removed after each test.
/// </summary>
public abstract class RuncTestClass(RuncStateDir state) : IAsyncLifetime
{
    /// <summary>Only a guard so that a broken driver fails a test instead of hanging it; no assertion is about time.</summary>
    protected static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    /// <summary>The class's state directory, shared by its tests so that each image is unpacked once.</summary>
    protected RuncStateDir State => state;

    /// <summary>The test's driver; <see langword="null"/> where runc cannot run.</summary>
    internal RuncTestDriver Runc { get; private set; } = null!;

    public Task InitializeAsync()
    {
        if (Environment.IsPrivilegedProcess && new RuncDriverOptions().ResolveRuncPath() is not null)
        {
            Runc = new RuncTestDriver(stateDir: state.Path);
        }

        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (Runc is not null)
        {
            await Runc.DisposeAsync();
        }
    }
}
