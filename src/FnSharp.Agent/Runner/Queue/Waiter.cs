namespace FnSharp.Agent.Runner.Queue;

/// <summary>A call waiting in a slot queue for a container. Completed exactly once, under the queue's lock.</summary>
internal sealed class Waiter
{
    public Waiter(bool isAsync)
    {
        IsAsync = isAsync;
    }

    public bool IsAsync { get; }

    public LinkedListNode<Waiter>? Node { get; set; }

    public TaskCompletionSource<Grant> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
