using System.Text;
using System.Text.Json;
using FnSharp.Core.Ids;
using FnSharp.Core.Models;
using FnSharp.Core.Storage;
using FnSharp.Core.Validation;
using FnSharp.Server.Apis;

namespace FnSharp.Server.Detached;

/// <summary>
/// The destinations of detached calls (<c>docs/api.md</c>, "Destinations"), as Lambda's destinations for
/// asynchronous invocations: when a detached call ends in success, the fn its fn's <c>fnsharp.io/on-success</c>
/// names is called detached; when it becomes a dead letter, the fn of <c>fnsharp.io/on-failure</c>. The
/// destination's call is queued in the transaction that stores the end (<see cref="FollowUpCall"/>), so each
/// end queues it once, across nodes and crashes. Synchronous calls have no destinations.
/// A destination fn deleted since is logged and counted (<c>fnsharp_async_destinations_total{outcome="missing"}</c>);
/// the ended call is stored as it ended.
/// </summary>
internal sealed partial class DetachedDestinations(IdGenerator ids, TimeProvider time, DetachedCallMetrics metrics, ILogger<DetachedDestinations> logger)
{
    /// <summary>The most bytes of an answer a destination's body carries (64 KiB); a longer answer is cut and flagged.</summary>
    public const int MaxAnswerBytes = 64 * 1024;

    /// <summary>The condition of a success (<c>fnsharp.io/on-success</c>).</summary>
    public const string Success = "success";

    /// <summary>The condition of a dead letter (<c>fnsharp.io/on-failure</c>).</summary>
    public const string Failure = "failure";

    /// <summary>The media type of a destination's body.</summary>
    public const string BodyType = "application/json";

    /// <summary>A capture for the answers of <paramref name="fn"/>'s calls when it has a destination, <see langword="null"/> otherwise (answers are then kept nowhere).</summary>
    public static AnswerCapture? CaptureFor(Fn fn) => DestinationGraph.HasDestinations(fn) ? new AnswerCapture(MaxAnswerBytes) : null;

    /// <summary>
    /// The destination call of <paramref name="ended"/> (a success, or a dead letter) of <paramref name="fn"/>,
    /// to store with its end; <see langword="null"/> when the fn has no destination for this end, when the fn it
    /// names is gone, or when the destinations call back to <paramref name="fn"/> (a loop stored despite the
    /// check at create and update, by two concurrent updates).
    /// </summary>
    public async Task<FollowUpCall?> PrepareAsync(IDataStore store, Fn fn, Call ended, AnswerCapture? answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(fn);
        ArgumentNullException.ThrowIfNull(ended);
        var condition = ConditionOf(ended);
        var key = condition == Success ? FnSharpAnnotations.OnSuccess : FnSharpAnnotations.OnFailure;
        if (DestinationGraph.TargetOf(fn, key) is not { } value)
        {
            return null;
        }

        var appFns = await AppFns.ReadAsync(store, fn.AppId, cancellationToken);
        if (DestinationGraph.Resolve(value, appFns) is not { } target)
        {
            LogMissing(logger, ended.Id, fn.Id, key, value);
            metrics.Destinations.Add(1, DetachedCallMetrics.Fn(fn.Id), new("condition", condition), new("outcome", "missing"));
            return null;
        }

        if (DestinationGraph.FindLoop(fn, appFns) is { } loop)
        {
            LogLoop(logger, ended.Id, fn.Id, string.Join(" -> ", loop.Select(f => f.Name)));
            metrics.Destinations.Add(1, DetachedCallMetrics.Fn(fn.Id), new("condition", condition), new("outcome", "loop"));
            return null;
        }

        var call = Call.QueuedDetached(ids.NewId(), target.AppId, target.Id, ApiTime.Now(time));
        var kept = answer is null || answer.TotalBytes == 0 ? null : CompleteCharacters(answer.Kept, answer.Truncated);
        var body = new DestinationBody(
            condition,
            ended.Id,
            fn.Id,
            fn.Name,
            fn.AppId,
            ended.Status,
            ended.StatusCode,
            ended.Error,
            ended.Attempts,
            ended.CreatedAt,
            ended.CompletedAt,
            kept is null ? null : Encoding.UTF8.GetString(kept),
            answer?.Truncated ?? false,
            answer?.TotalBytes ?? 0);
        var payload = new CallPayload([KeyValuePair.Create("Content-Type", BodyType)], JsonSerializer.SerializeToUtf8Bytes(body, ApiJsonContext.Default.DestinationBody));
        return new FollowUpCall(call, payload);
    }

    /// <summary>Counts and logs <paramref name="followUp"/>, stored with the end of <paramref name="ended"/>.</summary>
    public void Queued(FollowUpCall followUp, Call ended)
    {
        ArgumentNullException.ThrowIfNull(followUp);
        ArgumentNullException.ThrowIfNull(ended);
        var condition = ConditionOf(ended);
        metrics.Destinations.Add(1, DetachedCallMetrics.Fn(ended.FnId), new("condition", condition), new("outcome", "queued"));
        LogQueued(logger, followUp.Call.Id, followUp.Call.FnId, condition, ended.Id, ended.FnId);
    }

    private static string ConditionOf(Call ended) => ended.Status == CallStates.Success && !ended.DeadLetter ? Success : Failure;

    /// <summary>The kept bytes, without a last character that the cut split (whose bytes would decode to U+FFFD).</summary>
    private static byte[] CompleteCharacters(ReadOnlySpan<byte> kept, bool cut)
    {
        if (!cut)
        {
            return kept.ToArray();
        }

        // Back to the lead byte of the last character (at most 3 continuation bytes before it).
        var end = kept.Length;
        var lead = end - 1;
        while (lead > 0 && end - lead < 4 && (kept[lead] & 0xC0) == 0x80)
        {
            lead--;
        }

        var need = kept[lead] switch
        {
            < 0x80 => 1,
            >= 0xF0 => 4,
            >= 0xE0 => 3,
            >= 0xC0 => 2,
            _ => 1,
        };
        return kept[..(end - lead < need ? lead : end)].ToArray();
    }

    // Event ids 1500-1599 belong to detached calls: 1580-1589 to their destinations.
    [LoggerMessage(1580, LogLevel.Debug, "Destination call {DestinationCallId} of fn {DestinationFnId} queued for the {Condition} of call {CallId} of fn {FnId}")]
    private static partial void LogQueued(ILogger logger, string destinationCallId, string destinationFnId, string condition, string callId, string fnId);

    [LoggerMessage(1581, LogLevel.Warning, "Call {CallId} of fn {FnId} ended, and its {Annotation} names '{Destination}', which is no fn of its app any more (deleted or renamed since): no destination was called; the call is stored as it ended")]
    private static partial void LogMissing(ILogger logger, string callId, string fnId, string annotation, string destination);

    [LoggerMessage(1582, LogLevel.Error, "Call {CallId} of fn {FnId} ended, and its destinations call back to it ({Loop}): no destination was called; change fnsharp.io/on-success or fnsharp.io/on-failure of one of those fns")]
    private static partial void LogLoop(ILogger logger, string callId, string fnId, string loop);
}
