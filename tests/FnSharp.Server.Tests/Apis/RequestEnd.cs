using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace FnSharp.Server.Tests.Apis;

/// <summary>
/// Completes when the server has finished a request to one path, errors and client aborts included:
/// ASP.NET Core's <c>Microsoft.AspNetCore.Hosting.HttpRequestIn.Stop</c> diagnostic event, written after
/// the whole pipeline ran. A barrier for what the server does after the client stopped listening.
/// </summary>
internal sealed class RequestEnd : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly string _path;
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<IDisposable> _subscriptions = [];

    /// <summary>Starts watching for the end of a request to <paramref name="path"/> (unique to the test, for example with a fn id).</summary>
    public RequestEnd(string path)
    {
        _path = path;
        lock (_subscriptions)
        {
            _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
        }
    }

    /// <summary>Completes when the request has ended (a failsafe of 30 s against a hung test).</summary>
    public Task Task => _ended.Task.WaitAsync(TimeSpan.FromSeconds(30));

    public void OnNext(DiagnosticListener value)
    {
        if (value.Name == "Microsoft.AspNetCore")
        {
            lock (_subscriptions)
            {
                _subscriptions.Add(value.Subscribe(this));
            }
        }
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key == "Microsoft.AspNetCore.Hosting.HttpRequestIn.Stop" && value.Value is HttpContext context && context.Request.Path == _path)
        {
            _ended.TrySetResult();
        }
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose()
    {
        lock (_subscriptions)
        {
            foreach (var subscription in _subscriptions)
            {
                subscription.Dispose();
            }
        }
    }
}
