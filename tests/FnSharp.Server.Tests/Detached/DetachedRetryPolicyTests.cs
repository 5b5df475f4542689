using System.Text.Json;
using FnSharp.Agent.Calls;
using FnSharp.Core.Models;
using FnSharp.Server.Configuration;
using FnSharp.Server.Detached;
using FnSharp.Testing;

namespace FnSharp.Server.Tests.Detached;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class DetachedRetryPolicyTests
{
    private static readonly DateTimeOffset Created = new(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);
    private static readonly DetachedCallOptions Options = new() { RetryBaseMs = 1000, RetryMaxMs = 10_000, MaxEventAgeSeconds = 3600 };

    [Theory]
    [InlineData(CallStatus.Success, nameof(DetachedFault.None))]
    [InlineData(CallStatus.TooBusy, nameof(DetachedFault.Busy))]
    [InlineData(CallStatus.ContainerInitFailed, nameof(DetachedFault.Platform))]
    [InlineData(CallStatus.ContainerInitTimedOut, nameof(DetachedFault.Platform))]
    [InlineData(CallStatus.NodeFault, nameof(DetachedFault.Platform))]
    [InlineData(CallStatus.ImageNotFound, nameof(DetachedFault.Function))]
    [InlineData(CallStatus.FunctionFailed, nameof(DetachedFault.Function))]
    [InlineData(CallStatus.InvalidResponse, nameof(DetachedFault.Function))]
    [InlineData(CallStatus.ReceiveFailed, nameof(DetachedFault.Function))]
    [InlineData(CallStatus.TimedOut, nameof(DetachedFault.Function))]
    [InlineData(CallStatus.OutOfMemory, nameof(DetachedFault.Function))]
    [InlineData(CallStatus.CannotAllocate, nameof(DetachedFault.Permanent))]
    [InlineData(CallStatus.FnRemoved, nameof(DetachedFault.Permanent))]
    public void Classify_EveryStatus_ItsFault(CallStatus status, string fault) =>
        Assert.Equal(fault, DetachedRetryPolicy.Classify(status).ToString());

    [Fact]
    public void Classify_EveryStatus_Covered() =>
        Assert.All(Enum.GetValues<CallStatus>(), s => Assert.True(s is CallStatus.CannotAllocate or CallStatus.FnRemoved || DetachedRetryPolicy.Classify(s) != DetachedFault.Permanent, s.ToString()));

    [Theory]
    [InlineData(null, 0)]
    [InlineData("0", 0)]
    [InlineData("3", 3)]
    [InlineData("10", 10)]
    [InlineData("\"4\"", 4)]
    public void RetriesOf_ValidOrAbsent_TheNumber(string? json, int retries) =>
        Assert.Equal(retries, DetachedRetryPolicy.RetriesOf(FnWith(json)));

    [Theory]
    [InlineData("11")]
    [InlineData("-1")]
    [InlineData("2.5")]
    [InlineData("\"two\"")]
    [InlineData("[1]")]
    [InlineData("{\"n\":1}")]
    public void RetriesOf_Invalid_Null(string json) =>
        Assert.Null(DetachedRetryPolicy.RetriesOf(FnWith(json)));

    [Theory]
    [InlineData(1, 0.0, 500)]
    [InlineData(1, 1.0, 1000)]
    [InlineData(2, 0.0, 1000)]
    [InlineData(3, 0.5, 3000)]
    [InlineData(5, 1.0, 10_000)]
    [InlineData(40, 0.0, 5000)]
    [InlineData(0, 0.0, 500)]
    public void Backoff_Attempt_DoublesUpToTheMaxWithJitterInItsUpperHalf(int attempt, double jitter, double expectedMs) =>
        Assert.Equal(expectedMs, DetachedRetryPolicy.Backoff(attempt, jitter, Options).TotalMilliseconds, 3);

    [Fact]
    public void Decide_Success_Complete() =>
        Assert.Equal(DetachedDecision.Complete, DetachedRetryPolicy.Decide(Call(1), CallStatus.Success, 0, Created, 0, Options));

    [Fact]
    public void Decide_FunctionFailureWithinRetries_RetryCounted()
    {
        var now = Created.AddSeconds(10);

        var decision = DetachedRetryPolicy.Decide(Call(2), CallStatus.FunctionFailed, 2, now, 0, Options);

        Assert.Equal(DetachedDecision.Retry(DetachedFault.Function, now.AddSeconds(1), countAttempt: true), decision);
    }

    [Fact]
    public void Decide_FunctionFailureBeyondRetries_DeadLetter() =>
        Assert.Equal(DetachedDecision.DeadLetter(DetachedDeadLetterReason.RetriesExhausted), DetachedRetryPolicy.Decide(Call(3), CallStatus.TimedOut, 2, Created, 0, Options));

    [Fact]
    public void Decide_PlatformFaultManyAttempts_RetryCountedAtTheMaxDelay()
    {
        var decision = DetachedRetryPolicy.Decide(Call(30), CallStatus.ContainerInitTimedOut, 0, Created, 0.999999, Options);

        Assert.Equal((DetachedDecisionKind.Retry, DetachedFault.Platform, true), (decision.Kind, decision.Fault, decision.CountAttempt));
        Assert.Equal(Created.AddSeconds(10), decision.NextAttemptAt!.Value, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public void Decide_TooBusy_RetryNotCounted()
    {
        var decision = DetachedRetryPolicy.Decide(Call(1), CallStatus.TooBusy, 0, Created, 0, Options);

        Assert.Equal((DetachedDecisionKind.Retry, DetachedFault.Busy, false), (decision.Kind, decision.Fault, decision.CountAttempt));
    }

    [Fact]
    public void Decide_NextAttemptPastTheMaxEventAge_DeadLetter() =>
        Assert.Equal(
            DetachedDecision.DeadLetter(DetachedDeadLetterReason.MaxEventAge),
            DetachedRetryPolicy.Decide(Call(1), CallStatus.ContainerInitFailed, 0, Created.AddSeconds(3599.6), 0, Options));

    [Fact]
    public void Decide_CannotAllocate_DeadLetterAtOnce() =>
        Assert.Equal(DetachedDecision.DeadLetter(DetachedDeadLetterReason.CannotRun), DetachedRetryPolicy.Decide(Call(1), CallStatus.CannotAllocate, 10, Created, 0, Options));

    private static Call Call(int attempts) => new() { Id = "c", FnId = "f", Type = CallTypes.Detached, Status = CallStates.Running, CreatedAt = Created, Attempts = attempts };

    private static Fn FnWith(string? retriesJson) => new()
    {
        Id = "f",
        Annotations = retriesJson is null
            ? new Dictionary<string, JsonElement>()
            : new Dictionary<string, JsonElement> { [DetachedRetryPolicy.RetriesAnnotation] = JsonDocument.Parse(retriesJson).RootElement.Clone() },
    };
}
