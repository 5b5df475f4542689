using FnSharp.Agent.Calls;
using FnSharp.Agent.Drivers;
using FnSharp.Agent.Runner.Dispatch;
using FnSharp.Testing;

namespace FnSharp.Agent.Tests.Runner.Dispatch;

/// <summary>The dispatcher's outcome table alone: an answer's status, or a broken connection's exit, to a call status and the container's fate.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class CallDispatcherOutcomeTests
{
    [Theory]
    [InlineData(200, CallStatus.Success, false)]
    [InlineData(502, CallStatus.FunctionFailed, false)]
    [InlineData(504, CallStatus.TimedOut, true)]
    [InlineData(418, CallStatus.InvalidResponse, true)]
    [InlineData(500, CallStatus.InvalidResponse, true)]
    [InlineData(201, CallStatus.InvalidResponse, true)]
    public void AnswerOutcome_Status_CallStatusAndWhetherTheContainerIsKilled(int statusCode, CallStatus expected, bool kill)
    {
        Assert.Equal((expected, kill), CallDispatcher.AnswerOutcome(statusCode));
    }

    [Fact]
    public void BrokenConnectionOutcome_ExitSaysOomKilled_OutOfMemory()
    {
        Assert.Equal(CallStatus.OutOfMemory, CallDispatcher.BrokenConnectionOutcome(new ContainerExit { ExitCode = 137, OomKilled = true, StderrTail = [] }));
    }

    [Fact]
    public void BrokenConnectionOutcome_CrashOrKillOrUnknownExit_ReceiveFailed()
    {
        Assert.Equal(CallStatus.ReceiveFailed, CallDispatcher.BrokenConnectionOutcome(new ContainerExit { ExitCode = 3, OomKilled = false, StderrTail = [] }));
        Assert.Equal(CallStatus.ReceiveFailed, CallDispatcher.BrokenConnectionOutcome(new ContainerExit { ExitCode = 137, OomKilled = false, StderrTail = [] }));
        Assert.Equal(CallStatus.ReceiveFailed, CallDispatcher.BrokenConnectionOutcome(null));
    }
}
