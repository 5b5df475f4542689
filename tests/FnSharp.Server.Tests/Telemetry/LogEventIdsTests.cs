using System.Reflection;
using FnSharp.Testing;
using Microsoft.Extensions.Logging;

namespace FnSharp.Server.Tests.Telemetry;

/// <summary>
/// Every log line of the server, the runner and the drivers has its own event id, so that an id names one event
/// (2015 was both a pre-warm and an orphan removal; 1900-1907 three areas' lines at once).
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class LogEventIdsTests
{
    [Fact]
    public void LoggerMessages_EveryAssembly_EachEventIdOnce()
    {
        Assembly[] assemblies = [typeof(FnSharp.Agent.Runner.RunnerAgent).Assembly, typeof(FnSharp.Docker.DockerDriver).Assembly, typeof(FnSharp.Server.Hosting.ServerRunner).Assembly];
        var events = assemblies
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: $"{m.DeclaringType!.Name}.{m.Name}", Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(e => e.Attribute is not null)
            .ToList();

        var shared = events.GroupBy(e => e.Attribute!.EventId).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Method))}");

        Assert.True(events.Count > 100, $"only {events.Count} log events found");
        Assert.Empty(shared);
    }
}
