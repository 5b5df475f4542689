using System.Net;
using FnSharp.Agent.Calls;
using FnSharp.Core.Models;
using FnSharp.Server.Configuration;
using FnSharp.Server.Invocation;
using FnSharp.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Server.Tests.Invocation;

/// <summary>
/// When the executor gives a call's container back: an agent that answers one call with a given body and records when
/// the result releases its container, and a caller's stream that records what was released when it was written to.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class CallExecutorTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    public async Task RunAsync_AnswerReadWhole_ContainerGivenBackBeforeTheCallerIsAnswered(long maxResponseSize)
    {
        var agent = new OneAnswerAgent(new ByteArrayContent("ok"u8.ToArray()));
        var caller = new CallerStream(agent);
        bool? releasedAtStart = null;

        await using (var outcome = await Executor(agent, maxResponseSize).RunAsync(Request(), caller, _ => Start(agent, out releasedAtStart), CancellationToken.None))
        {
            Assert.Equal((CallStatus.Success, BodyCopyResult.Completed), (outcome.Status, outcome.Copied));
        }

        Assert.Equal((true, true, false), (releasedAtStart, caller.ReleasedAtFirstWrite, agent.Abandoned));
        Assert.Equal(1, agent.Releases);
        Assert.Equal("ok"u8.ToArray(), caller.ToArray());
    }

    [Fact]
    public async Task RunAsync_AnswerLongerThanTheHoldBack_ContainerKeptUntilTheOutcomeIsDisposed()
    {
        var body = new byte[LimitedBodyCopier.HoldBackBytes + 1];
        var agent = new OneAnswerAgent(new ByteArrayContent(body));
        var caller = new CallerStream(agent);
        bool? releasedAtStart = null;

        var outcome = await Executor(agent, maxResponseSize: 1024 * 1024).RunAsync(Request(), caller, _ => Start(agent, out releasedAtStart), CancellationToken.None);
        var releasedBeforeDisposal = agent.Releases;
        await outcome.DisposeAsync();

        Assert.Equal((false, false, 0), (releasedAtStart, caller.ReleasedAtFirstWrite, releasedBeforeDisposal));
        Assert.Equal((1, false), (agent.Releases, agent.Abandoned));
        Assert.Equal(body.Length, caller.Length);
    }

    [Fact]
    public async Task RunAsync_AnswerStillArrivingWithoutALimit_AnsweredAtOnceAndContainerKeptUntilItEnds()
    {
        // The function sent its headers and the first bytes; the rest comes later.
        var pipe = new System.IO.Pipelines.Pipe();
        await pipe.Writer.WriteAsync("first "u8.ToArray());
        var agent = new OneAnswerAgent(new StreamContent(pipe.Reader.AsStream()));
        var caller = new CallerStream(agent);
        bool? releasedAtStart = null;

        var run = Executor(agent, maxResponseSize: 0).RunAsync(Request(), caller, _ => Start(agent, out releasedAtStart), CancellationToken.None);
        await caller.Written.Task;
        var sentBeforeTheRest = caller.ToArray();
        await pipe.Writer.WriteAsync("second"u8.ToArray());
        await pipe.Writer.CompleteAsync();
        await using (var outcome = await run)
        {
            Assert.Equal((CallStatus.Success, BodyCopyResult.Completed), (outcome.Status, outcome.Copied));
        }

        Assert.Equal("first "u8.ToArray(), sentBeforeTheRest);
        Assert.Equal((false, false), (releasedAtStart, caller.ReleasedAtFirstWrite));
        Assert.Equal("first second"u8.ToArray(), caller.ToArray());
        Assert.Equal((1, false), (agent.Releases, agent.Abandoned));
    }

    [Fact]
    public async Task RunAsync_AnswerOverTheLimit_502AndContainerKilled()
    {
        var agent = new OneAnswerAgent(new ByteArrayContent(new byte[11]));

        await using (var outcome = await Executor(agent, maxResponseSize: 10).RunAsync(Request(), new CallerStream(agent), _ => 200, CancellationToken.None))
        {
            Assert.Equal((CallStatus.InvalidResponse, BodyCopyResult.TooLarge), (outcome.Status, outcome.Copied));
            Assert.Equal(0, agent.Releases);
        }

        Assert.Equal((1, true), (agent.Releases, agent.Abandoned));
    }

    [Fact]
    public async Task RunAsync_CallerGoneAfterTheAnswerWasReadWhole_ContainerKept()
    {
        var agent = new OneAnswerAgent(new ByteArrayContent("ok"u8.ToArray()));
        var gone = new CallerStream(agent) { Gone = true };

        await using (var outcome = await Executor(agent, maxResponseSize: 0).RunAsync(Request(), gone, _ => 200, CancellationToken.None))
        {
            Assert.Equal((CallStatus.ReceiveFailed, false), (outcome.Status, outcome.Cancelled));
        }

        // The container had given its whole answer: it serves the next call.
        Assert.Equal((1, false), (agent.Releases, agent.Abandoned));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task RunAsync_CallerLeavesMidAnswer_CancelledAndTheContainerKeptOnlyWhenTheCallOutlivesItsCaller(bool outlivesCaller, bool killed)
    {
        // The function sent its first bytes; the caller leaves; then the rest comes.
        var pipe = new System.IO.Pipelines.Pipe();
        await pipe.Writer.WriteAsync("first "u8.ToArray());
        var agent = new OneAnswerAgent(new StreamContent(pipe.Reader.AsStream()));
        var caller = new CallerStream(agent);
        using var client = new CancellationTokenSource();

        var run = Executor(agent, maxResponseSize: 0).RunAsync(Request() with { OutlivesCaller = outlivesCaller }, caller, _ => 200, client.Token);
        await caller.Written.Task;
        await client.CancelAsync();
        await pipe.Writer.WriteAsync("second"u8.ToArray());
        await pipe.Writer.CompleteAsync();
        await using (var outcome = await run)
        {
            Assert.Equal((CallStatus.ReceiveFailed, true), (outcome.Status, outcome.Cancelled));
            Assert.IsAssignableFrom<OperationCanceledException>(outcome.Failure!.SourceException);
        }

        Assert.Equal("first "u8.ToArray(), caller.ToArray());
        Assert.Equal((1, killed), (agent.Releases, agent.Abandoned));
    }

    private static int Start(OneAnswerAgent agent, out bool? releasedAtStart)
    {
        releasedAtStart = agent.Releases > 0;
        return 200;
    }

    private static CallExecutor Executor(IAgent agent, long maxResponseSize) =>
        new(agent, Options.Create(new ServerOptions { MaxResponseSize = maxResponseSize }), new FakeTimeProvider());

    private static CallRequest Request() => new()
    {
        CallId = "01JCALL0000000000000000000",
        App = new App { Id = "01JAPP00000000000000000000", Name = "app" },
        Fn = new Fn { Id = "01JFN00000000000000000000F", Name = "fn", AppId = "01JAPP00000000000000000000", Image = "fn:1" },
        Body = Stream.Null,
    };

    /// <summary>Answers the one call with <c>content</c>; counts the releases of its container and whether it was abandoned.</summary>
    private sealed class OneAnswerAgent(HttpContent content) : IAgent
    {
        private int _releases;

        public int Releases => Volatile.Read(ref _releases);

        public bool Abandoned { get; private set; }

        public Task<CallResult> SubmitAsync(CallRequest call, CancellationToken cancellationToken) =>
            Task.FromResult(CallResult.Succeeded(new HttpResponseMessage(HttpStatusCode.OK) { Content = content }, abandoned =>
            {
                Abandoned = abandoned;
                Interlocked.Increment(ref _releases);
                return ValueTask.CompletedTask;
            }));
    }

    /// <summary>The caller's end: records whether the container was given back at its first write; a gone caller's writes fail.</summary>
    private sealed class CallerStream(OneAnswerAgent agent) : MemoryStream
    {
        public bool? ReleasedAtFirstWrite { get; private set; }

        public bool Gone { get; init; }

        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (buffer.IsEmpty)
            {
                return ValueTask.CompletedTask;
            }

            ReleasedAtFirstWrite ??= agent.Releases > 0;
            if (Gone)
            {
                throw new IOException("The client went away.");
            }

            base.Write(buffer.Span);
            Written.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }
}
