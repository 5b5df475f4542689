using System.Collections.Concurrent;
using FnSharp.Agent.Drivers;
using FnSharp.Agent.Protocol;
using FnSharp.Core.Models;
using Microsoft.Extensions.Logging;

namespace FnSharp.Agent.Calls;

/// <summary>
/// The walking skeleton's agent: one hot container per fn and configuration, serving that fn's
/// calls one at a time, started on the first call and reused for the next. It has no launch
/// policy, admission or eviction yet; the runner issue replaces it with slot queues.
/// </summary>
public sealed partial class SerialAgent : IAgent, IAsyncDisposable
{
    private readonly IContainerDriver _driver;
    private readonly TimeProvider _time;
    private readonly ILogger<SerialAgent> _logger;
    private readonly ConcurrentDictionary<string, HotSlot> _slots = new(StringComparer.Ordinal);

    /// <summary>Creates the agent on <paramref name="driver"/>.</summary>
    public SerialAgent(IContainerDriver driver, TimeProvider time, ILogger<SerialAgent> logger)
    {
        _driver = driver;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc/>
    public async Task<CallResult> SubmitAsync(CallRequest call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var slot = _slots.GetOrAdd(SlotKey(call.Fn), static _ => new HotSlot());
        await slot.Gate.WaitAsync(cancellationToken);
        var released = false;
        try
        {
            if (slot.Container is null)
            {
                var failure = await StartContainerAsync(slot, call, cancellationToken);
                if (failure is not null)
                {
                    return failure;
                }
            }

            var result = await SendAsync(slot, call, cancellationToken);
            released = result.Response is null;
            return result;
        }
        catch
        {
            released = true;
            throw;
        }
        finally
        {
            if (released)
            {
                slot.Gate.Release();
            }
        }
    }

    private async Task<CallResult?> StartContainerAsync(HotSlot slot, CallRequest call, CancellationToken cancellationToken)
    {
        var spec = new ContainerSpec
        {
            Image = call.Fn.Image,
            AppId = call.App.Id,
            FnId = call.Fn.Id,
            MemoryMiB = call.Fn.Memory,
            Environment = ContainerEnvironment.Build(call.App, call.Fn),
        };
        var started = _time.GetTimestamp();
        IFnContainer? container = null;
        try
        {
            container = await _driver.CreateAsync(spec, cancellationToken);
            await container.StartAsync(cancellationToken);
        }
        catch (ContainerStartException e)
        {
            LogContainerStartFailed(_logger, e, call.Fn.Id, call.Fn.Image, e.Error);
            if (container is not null)
            {
                await container.RemoveAsync(CancellationToken.None);
            }

            return e.Error switch
            {
                ContainerStartError.ImageNotFound => CallResult.Failed(CallStatus.ImageNotFound, CallErrors.ImageNotFound(call.Fn.Image)),
                ContainerStartError.InitTimedOut => CallResult.Failed(CallStatus.ContainerInitTimedOut, CallErrors.ContainerInitTimedOut),
                _ => CallResult.Failed(CallStatus.ContainerInitFailed, CallErrors.ContainerInitFailed),
            };
        }
        catch
        {
            if (container is not null)
            {
                await container.RemoveAsync(CancellationToken.None);
            }

            throw;
        }

        LogContainerStarted(_logger, container.Id, call.Fn.Id, _time.GetElapsedTime(started).TotalMilliseconds);
        slot.Container = container;
        slot.Client = new HttpStreamClient(container.SocketPath);
        return null;
    }

    private async Task<CallResult> SendAsync(HotSlot slot, CallRequest call, CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromSeconds(call.Fn.Timeout);
        var deadline = _time.GetUtcNow() + timeout;
        var timeoutSource = new CancellationTokenSource(timeout, _time);
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        HttpResponseMessage response;
        try
        {
            response = await slot.Client!.SendAsync(call.CallId, deadline, call.Headers, call.Body, call.ContentLength, linked.Token);
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await DisposeAllAsync(linked, timeoutSource, slot);
            return CallResult.Failed(CallStatus.TimedOut, CallErrors.TimedOut);
        }
        catch (HttpRequestException e)
        {
            LogReceiveFailed(_logger, e, call.CallId, call.Fn.Id);
            await DisposeAllAsync(linked, timeoutSource, slot);
            return CallResult.Failed(CallStatus.ReceiveFailed, CallErrors.ReceiveFailed);
        }
        catch
        {
            await DisposeAllAsync(linked, timeoutSource, slot);
            throw;
        }

        switch ((int)response.StatusCode)
        {
            case 200:
                return CallResult.Succeeded(response, async () =>
                {
                    linked.Dispose();
                    timeoutSource.Dispose();
                    slot.Gate.Release();
                    await Task.CompletedTask;
                });
            case 502:
                response.Dispose();
                linked.Dispose();
                timeoutSource.Dispose();
                return CallResult.Failed(CallStatus.FunctionFailed, CallErrors.FunctionFailed);
            case 504:
                response.Dispose();
                await DisposeAllAsync(linked, timeoutSource, slot);
                return CallResult.Failed(CallStatus.TimedOut, CallErrors.TimedOut);
            default:
                response.Dispose();
                await DisposeAllAsync(linked, timeoutSource, slot);
                return CallResult.Failed(CallStatus.InvalidResponse, CallErrors.InvalidResponse);
        }
    }

    private static async Task DisposeAllAsync(CancellationTokenSource linked, CancellationTokenSource timeout, HotSlot slot)
    {
        linked.Dispose();
        timeout.Dispose();
        await slot.KillAsync();
    }

    /// <summary>Removes every container this agent started.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var slot in _slots.Values)
        {
            await slot.KillAsync();
        }

        _slots.Clear();
    }

    private static string SlotKey(Fn fn) =>
        string.Join('\u001f', fn.Id, fn.Image, fn.Memory, fn.Timeout, string.Join('\u001e', fn.Config.OrderBy(c => c.Key, StringComparer.Ordinal)));

    /// <summary>The one hot container of a fn and configuration, and the gate that serializes its calls.</summary>
    private sealed class HotSlot
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public IFnContainer? Container { get; set; }

        public HttpStreamClient? Client { get; set; }

        public async Task KillAsync()
        {
            Client?.Dispose();
            Client = null;
            if (Container is { } container)
            {
                Container = null;
                await container.RemoveAsync(CancellationToken.None);
            }
        }
    }
}
