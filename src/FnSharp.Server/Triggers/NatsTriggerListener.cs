using FnSharp.Core.Secrets;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using FnSharp.Core.Models;
using FnSharp.Core.Storage;
using FnSharp.Server.Apis;
using FnSharp.Server.Configuration;
using FnSharp.Server.Detached;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace FnSharp.Server.Triggers;

/// <summary>
/// Runs nats triggers (<c>docs/api.md</c>, "NATS triggers") on the NATS server of <c>FN_NATS_URL</c>: for
/// each trigger a durable JetStream consumer, named after the trigger and shared by every node (so that
/// the nodes share its messages, as a queue group does), on the stream that captures its subject (one
/// FnSharp creates, named as the consumer, when none does). Each message becomes a detached call,
/// stored before the message is acknowledged: at least once, and a redelivered message maps to the call
/// already stored (<see cref="NatsMessageCall.CallIdOf"/>). Every <c>FN_NATS_POLL_MSECS</c>, and at once
/// after a change through this node (<see cref="Wake"/>), it reads the nats triggers again: a new trigger
/// is subscribed, a changed source resubscribed, a deleted trigger's consumer stopped and removed.
/// </summary>
/// <remarks>
/// When NATS cannot be reached the server runs on: the listener logs it, connects again with back-off
/// (1 s doubling to 30 s, then NATS.Net's own reconnection), and messages wait in their streams.
/// </remarks>
internal sealed partial class NatsTriggerListener(
    IServiceProvider services,
    ICallStore calls,
    DetachedCallWorker worker,
    IEnumerable<INatsTriggerObserver> observers,
    IOptions<TriggerOptions> options,
    IOptions<ServerOptions> serverOptions,
    TimeProvider time,
    ILoggerFactory loggers,
    ILogger<NatsTriggerListener> logger) : BackgroundService
{
    /// <summary>How long JetStream waits for an acknowledgement before it delivers a message again (to any node).</summary>
    public static readonly TimeSpan AckWait = TimeSpan.FromSeconds(30);

    /// <summary>How long a message whose call could not be stored waits before it is delivered again.</summary>
    public static readonly TimeSpan StoreRetryDelay = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly INatsTriggerObserver[] _observers = [.. observers];

    // Producers: Wake (API handlers after a trigger change). Consumer: the reconcile loop. One pending
    // wake is enough, so further ones are dropped.
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    // Owned by the reconcile loop only: the consumers this node runs, by trigger id, and consumers still to remove.
    private readonly Dictionary<string, NatsSubscription> _running = new(StringComparer.Ordinal);
    private readonly HashSet<(string Stream, string Consumer)> _toRemove = [];

    /// <summary>
    /// The durable consumer of <paramref name="trigger"/>, and the stream FnSharp creates for it when no stream
    /// captures its subject: both <c>fnsharp-&lt;trigger id&gt;-&lt;8 hex digits of its subject's SHA-256&gt;</c>,
    /// so that a changed source is a new consumer (and, if need be, a new stream).
    /// </summary>
    public static string ConsumerNameOf(Trigger trigger)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        return $"fnsharp-{trigger.Id}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(trigger.Source)).AsSpan(0, 4))}";
    }

    /// <summary>Reads the nats triggers again soon, after a trigger was created, changed or deleted through this node.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.NatsUrl is not { } url)
        {
            LogOff(logger);
            return;
        }

        if (TriggerTickStores.Resolve(services, e => LogNoStore(logger, e)) is not { } store)
        {
            return;
        }

        var shown = CredentialMask.Hide(url);
        await using var connection = new NatsConnection(new NatsOpts
        {
            Url = url,
            Name = "fnsharp-" + serverOptions.Value.NodeName,
            LoggerFactory = loggers,
            MaxReconnectRetry = -1,
            ReconnectWaitMin = FirstBackoff,
            ReconnectWaitMax = MaxBackoff,
        });
        connection.ConnectionDisconnected += (_, _) =>
        {
            LogDisconnected(logger, shown);
            return ValueTask.CompletedTask;
        };
        connection.ConnectionOpened += (_, _) =>
        {
            LogConnected(logger, shown);
            return ValueTask.CompletedTask;
        };

        try
        {
            if (!await ConnectAsync(connection, shown, stoppingToken))
            {
                return;
            }

            var js = new NatsJSContext(connection);
            var poll = TimeSpan.FromMilliseconds(options.Value.NatsPollMs);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (connection.ConnectionState == NatsConnectionState.Open)
                    {
                        await ReconcileAsync(store, js, stoppingToken);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    LogPassFailed(logger, e, options.Value.NatsPollMs);
                }

                using var timer = new CancellationTokenSource(poll, time);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timer.Token);
                try
                {
                    await _wake.Reader.ReadAsync(timeout.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // The poll interval passed.
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The server stops.
        }
        finally
        {
            foreach (var subscription in _running.Values)
            {
                await subscription.StopAsync();
                subscription.Dispose();
            }

            _running.Clear();
        }
    }

    /// <summary>Connects, trying again with back-off while NATS cannot be reached; <see langword="false"/> when the server stops first.</summary>
    private async Task<bool> ConnectAsync(NatsConnection connection, string url, CancellationToken stoppingToken)
    {
        var backoff = FirstBackoff;
        while (true)
        {
            try
            {
                await connection.ConnectAsync();
                return true;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogUnreachable(logger, url, e.Message, (long)backoff.TotalSeconds);
                Tell(o => o.ConnectFailed(url));
            }

            await Task.Delay(backoff, time, stoppingToken);
            backoff = backoff * 2 < MaxBackoff ? backoff * 2 : MaxBackoff;
        }
    }

    /// <summary>One pass: subscribes new triggers, resubscribes changed ones, stops and removes the consumers of deleted ones.</summary>
    private async Task ReconcileAsync(ITriggerTickStore store, NatsJSContext js, CancellationToken cancellationToken)
    {
        IReadOnlyList<Trigger> triggers;
        try
        {
            triggers = await store.GetTriggersOfTypeAsync(Trigger.NatsType, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogReadFailed(logger, e);
            return;
        }

        var wanted = triggers.ToDictionary(t => t.Id, StringComparer.Ordinal);
        foreach (var (id, subscription) in _running.ToList())
        {
            var current = wanted.GetValueOrDefault(id);
            if (current is not null && ConsumerNameOf(current) == subscription.Consumer && !subscription.Loop.IsCompleted)
            {
                subscription.Trigger = current;
                continue;
            }

            await subscription.StopAsync();
            subscription.Dispose();
            _running.Remove(id);
            if (current is null || ConsumerNameOf(current) != subscription.Consumer)
            {
                LogUnsubscribed(logger, id, subscription.Stream, subscription.Consumer);
                _toRemove.Add((subscription.Stream, subscription.Consumer));
            }
        }

        foreach (var (stream, consumer) in _toRemove.ToList())
        {
            if (await RemoveConsumerAsync(js, stream, consumer, cancellationToken))
            {
                _toRemove.Remove((stream, consumer));
            }
        }

        foreach (var trigger in triggers.Where(t => !_running.ContainsKey(t.Id)))
        {
            try
            {
                _running[trigger.Id] = await SubscribeAsync(js, trigger, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogSubscribeFailed(logger, e, trigger.Id, trigger.Source, options.Value.NatsPollMs);
            }
        }
    }

    private async Task<NatsSubscription> SubscribeAsync(NatsJSContext js, Trigger trigger, CancellationToken cancellationToken)
    {
        var stream = await StreamOfAsync(js, trigger, cancellationToken);
        var name = ConsumerNameOf(trigger);
        var consumer = await js.CreateOrUpdateConsumerAsync(
            stream,
            new ConsumerConfig(name)
            {
                DurableName = name,
                FilterSubject = trigger.Source,
                AckPolicy = ConsumerConfigAckPolicy.Explicit,
                AckWait = AckWait,
                DeliverPolicy = ConsumerConfigDeliverPolicy.New,
                Description = $"FnSharp nats trigger {trigger.Id} (fn {trigger.FnId})",
            },
            cancellationToken);
        var subscription = new NatsSubscription(trigger, stream, name, CancellationTokenSource.CreateLinkedTokenSource(cancellationToken));
        subscription.Loop = Task.Run(() => ConsumeAsync(subscription, consumer), CancellationToken.None);
        LogSubscribed(logger, trigger.Id, trigger.Source, stream, name);
        Tell(o => o.Subscribed(trigger.Id, stream, name));

        return subscription;
    }

    /// <summary>
    /// The stream that captures the whole of the trigger's subject, created (interest retention, on file) when none
    /// overlaps it. A stream that captures only part of it (a narrower trigger's stream, for a wider wildcard) is not
    /// used: the consumer would miss the rest without a word. NATS refuses a second stream on overlapping subjects,
    /// so the subscription fails with a message that names the stream to widen, logged at each try.
    /// </summary>
    /// <exception cref="InvalidOperationException">Streams overlap the subject, and none captures all of it.</exception>
    private async Task<string> StreamOfAsync(NatsJSContext js, Trigger trigger, CancellationToken cancellationToken)
    {
        var partial = new List<string>();
        await foreach (var existing in js.ListStreamNamesAsync(trigger.Source, cancellationToken))
        {
            var stream = await js.GetStreamAsync(existing, cancellationToken: cancellationToken);
            if (stream.Info.Config.Subjects?.Any(s => NatsSubjects.Covers(s, trigger.Source)) == true)
            {
                return existing;
            }

            partial.Add(existing);
        }

        if (partial.Count > 0)
        {
            throw new InvalidOperationException($"the JetStream stream(s) {string.Join(", ", partial)} capture only part of subject '{trigger.Source}', and NATS allows no second stream on it: add '{trigger.Source}' to the subjects of one of them (or use a narrower subject), so that no message on it is missed");
        }

        var name = ConsumerNameOf(trigger);
        await js.CreateStreamAsync(
            new StreamConfig(name, [trigger.Source])
            {
                Description = $"Created by FnSharp for nats trigger {trigger.Id}; kept for other triggers on its subject",
                Retention = StreamConfigRetention.Interest,
                Storage = StreamConfigStorage.File,
            },
            cancellationToken);
        LogStreamCreated(logger, name, trigger.Source, trigger.Id);
        return name;
    }

    private async Task<bool> RemoveConsumerAsync(NatsJSContext js, string stream, string consumer, CancellationToken cancellationToken)
    {
        try
        {
            await js.DeleteConsumerAsync(stream, consumer, cancellationToken);
            LogConsumerRemoved(logger, stream, consumer);
            Tell(o => o.ConsumerRemoved(stream, consumer));
            return true;
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            // Another node removed it first, or its stream is gone.
            Tell(o => o.ConsumerRemoved(stream, consumer));
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogRemoveFailed(logger, e, stream, consumer);
            return false;
        }
    }

    /// <summary>The loop of one consumer: each message stored as a call, then acknowledged. Never throws.</summary>
    private async Task ConsumeAsync(NatsSubscription subscription, INatsJSConsumer consumer)
    {
        try
        {
            await foreach (var message in consumer.ConsumeAsync<byte[]>(cancellationToken: subscription.Stopping))
            {
                await HandleAsync(subscription.Trigger, message, subscription.Stopping);
            }
        }
        catch (OperationCanceledException) when (subscription.Stopping.IsCancellationRequested)
        {
            // Stopped.
        }
        catch (Exception e)
        {
            LogConsumeFailed(logger, e, subscription.Trigger.Id, subscription.Consumer, options.Value.NatsPollMs);
        }
    }

    private async Task HandleAsync(Trigger trigger, INatsJSMsg<byte[]> message, CancellationToken cancellationToken)
    {
        if (message.Metadata is not { } metadata)
        {
            // Not a JetStream delivery: nothing to acknowledge.
            return;
        }

        var headers = message.Headers is { } h
            ? h.SelectMany(pair => pair.Value.Select(value => KeyValuePair.Create(pair.Key, value ?? ""))).ToList()
            : [];
        var delivery = new NatsDelivery(message.Subject, message.Data ?? [], headers, metadata.Stream, metadata.Sequence.Stream, metadata.Timestamp, metadata.NumDelivered);
        if (delivery.Data.Length > serverOptions.Value.MaxRequestSize)
        {
            // It can never become a call: told to the log, and never delivered again.
            LogTooLarge(logger, trigger.Id, delivery.Stream, delivery.StreamSequence, delivery.Data.Length, serverOptions.Value.MaxRequestSize);
            await message.AckTerminateAsync(cancellationToken: cancellationToken);
            return;
        }

        var (call, payload) = NatsMessageCall.Map(trigger, delivery, ApiTime.Now(time));
        var duplicate = false;
        try
        {
            // A message delivered before may have been stored by a node that died (or lost its connection) before the acknowledgement.
            duplicate = delivery.NumDelivered > 1 && await calls.GetCallAsync(call.FnId, call.Id, CancellationToken.None) is not null;
            if (!duplicate)
            {
                // Not cancelled by the stop: once begun, the call is stored as a whole or not at all.
                await calls.EnqueueCallAsync(call, payload, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogStoreFailed(logger, e, trigger.Id, delivery.Stream, delivery.StreamSequence, (long)StoreRetryDelay.TotalMilliseconds);
            await message.NakAsync(delay: StoreRetryDelay, cancellationToken: cancellationToken);
            return;
        }

        if (duplicate)
        {
            LogDuplicate(logger, trigger.Id, delivery.Stream, delivery.StreamSequence, call.Id, delivery.NumDelivered);
        }
        else
        {
            LogStored(logger, trigger.Id, delivery.Stream, delivery.StreamSequence, call.Id, call.FnId);
            worker.Wake();
        }

        Tell(o => o.MessageStored(trigger.Id, call.Id, duplicate));

        // Stored first: when this acknowledgement is lost, the redelivery finds the call and is only acknowledged.
        await message.AckAsync(cancellationToken: cancellationToken);
    }

    private void Tell(Action<INatsTriggerObserver> what)
    {
        foreach (var observer in _observers)
        {
            what(observer);
        }
    }
}
