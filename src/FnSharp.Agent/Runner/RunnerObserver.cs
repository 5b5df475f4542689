namespace FnSharp.Agent.Runner;

/// <summary>The observer of production: it hears nothing.</summary>
internal sealed class RunnerObserver : IRunnerObserver
{
    /// <summary>The one instance.</summary>
    public static readonly IRunnerObserver None = new RunnerObserver();

    private RunnerObserver()
    {
    }

    public void StateChanged()
    {
    }

    public void MemoryReserved(long reservedMiB)
    {
    }

    public void MemoryGranted(bool asyncPool, int overtaken)
    {
    }

    public void ContainerAdded()
    {
    }

    public void ContainerRemoved()
    {
    }

    public void ContainerOpWaiting(Containers.ContainerOpKind kind)
    {
    }
}
