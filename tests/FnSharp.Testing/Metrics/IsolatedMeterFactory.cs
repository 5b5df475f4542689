using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace FnSharp.Testing.Metrics;

/// <summary>
/// The <see cref="IMeterFactory"/> of one test server: its meters carry a version of their own
/// (<c>test-server-N</c>) and have this factory as their scope. Every server in a test process makes meters of the same
/// names, and OpenTelemetry's provider of each server listens to all of them by name: without a version apart, a
/// server's <c>/metrics</c> merged the other servers' measurements into its own series, and once another server was
/// disposed, stopped counting its own. Tests that read <c>/metrics</c> see the other servers' series as series of
/// another <c>otel_scope_version</c>, which their parsing leaves out or filters by <c>fn_id</c>.
/// </summary>
public sealed class IsolatedMeterFactory : IMeterFactory
{
    private static int _servers;

    private readonly string _version = $"test-server-{Interlocked.Increment(ref _servers)}";
    private readonly ConcurrentDictionary<string, Meter> _meters = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public Meter Create(MeterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var tags = options.Tags is null ? string.Empty : string.Join(",", options.Tags.Select(t => $"{t.Key}={t.Value}"));
        return _meters.GetOrAdd($"{options.Name}|{options.Version}|{tags}", _ => new Meter(new MeterOptions(options.Name)
        {
            Version = options.Version is null ? _version : $"{options.Version}+{_version}",
            Tags = options.Tags,
            Scope = this,
        }));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var meter in _meters.Values)
        {
            meter.Dispose();
        }
    }
}
