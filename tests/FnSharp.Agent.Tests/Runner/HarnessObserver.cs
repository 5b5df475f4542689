using FnSharp.Agent.Runner;
using FnSharp.Testing.Fakes;

namespace FnSharp.Agent.Tests.Runner;

/// <summary>The runner's observer in tests: each change of the runner's state wakes the waits of the fake driver (<see cref="FakeContainerDriver.WaitUntilAsync"/>).</summary>
internal sealed class HarnessObserver(FakeContainerDriver driver) : IRunnerObserver
{
    public void StateChanged() => driver.Changed();
}
