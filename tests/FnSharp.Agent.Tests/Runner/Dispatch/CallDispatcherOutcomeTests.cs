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

    [Theory]
    [InlineData(7L, false, false, 7L)]
    [InlineData(0L, false, false, 0L)]
    [InlineData(1L, false, false, 1L)]
    [InlineData(137L, false, false, null)]
    [InlineData(137L, true, false, null)]
    [InlineData(-1L, false, false, null)]
    [InlineData(3L, false, true, null)]
    public void OwnExitCode_Exit_NamedOnlyWhenTheContainerEndedItself(long exitCode, bool oomKilled, bool engineLost, long? expected)
    {
        Assert.Equal(expected, CallDispatcher.OwnExitCode(new ContainerExit { ExitCode = exitCode, OomKilled = oomKilled, StderrTail = [], EngineLost = engineLost }));
    }

    [Fact]
    public void OwnExitCode_ExitNotKnown_Null()
    {
        Assert.Null(CallDispatcher.OwnExitCode(null));
    }

    [Fact]
    public void ReceiveFailedExited_ExitCode_AfterFnsMessage()
    {
        Assert.Equal(new(502, "error receiving function response: the container exited with code 7"), CallErrors.ReceiveFailedExited(7));
        Assert.Same(CallErrors.ReceiveFailed, CallErrors.ReceiveFailedExited(null));
    }
}
