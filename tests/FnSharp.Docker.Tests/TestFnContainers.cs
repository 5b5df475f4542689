using System.Diagnostics.Metrics;
using System.Text;
using Docker.DotNet;
using FnSharp.Agent.Calls;
using FnSharp.Agent.Drivers;
using FnSharp.Agent.Protocol;
using FnSharp.Testing.Builders;
using Microsoft.Extensions.Logging.Abstractions;

namespace FnSharp.Docker.Tests;

/// <summary>Helpers for driver tests on the images built by <c>scripts/build-images.sh</c>.</summary>
internal static class TestFnContainers
{
    public const string TestFnImage = "fnsharp/testfn:latest";

    public const string VolumeImage = "fnsharp/testfn-volume:latest";

    /// <summary>A driver for a node of its own, so that a test class finds and removes only its own containers.</summary>
    /// <param name="node">The node's name.</param>
    /// <param name="configure">Changes the driver's default options.</param>
    /// <param name="meterFactory">Where the driver's meter comes from, so that a test can read its measurements.</param>
    public static DockerDriver NewDriver(string node, Func<DockerDriverOptions, DockerDriverOptions>? configure = null, IMeterFactory? meterFactory = null)
    {
        var options = new DockerDriverOptions { Node = node };
        return new DockerDriver(configure is null ? options : configure(options), TimeProvider.System, NullLogger<DockerDriver>.Instance, meterFactory);
    }

    /// <summary>The engine's description of a container, read by the test's own client (the driver's is its own).</summary>
    public static async Task<global::Docker.DotNet.Models.ContainerInspectResponse> InspectAsync(string containerId)
    {
        using var client = new DockerClientBuilder().WithEndpoint(new Uri(new DockerDriverOptions().Endpoint)).Build();
        return await client.Containers.InspectContainerAsync(containerId, CancellationToken.None);
    }

    public static string NewNode() => "test-" + Guid.NewGuid().ToString("N")[..12];

    public static ContainerSpec Spec(string image, int memoryMiB = 128, IReadOnlyDictionary<string, string>? extraEnvironment = null)
    {
        var app = Models.App();
        var fn = Models.Fn(app, image) with { Memory = memoryMiB };
        var environment = new Dictionary<string, string>(ContainerEnvironment.Build(app, fn));
        foreach (var (key, value) in extraEnvironment ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return new ContainerSpec { Image = image, AppId = app.Id, FnId = fn.Id, MemoryMiB = fn.Memory, Environment = environment };
    }

    /// <summary>Sends one call with a JSON command to the test function.</summary>
    public static async Task<HttpResponseMessage> CallAsync(IFnContainer container, string callId, string json)
    {
        using var client = new HttpStreamClient(container.SocketPath);
        var body = new MemoryStream(Encoding.UTF8.GetBytes(json));
        return await client.SendAsync(callId, DateTimeOffset.UtcNow.AddMinutes(1), [], body, body.Length, CancellationToken.None);
    }
}
