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

    /// <summary>
    /// Calls the started test function with <c>echo</c> and checks what every driver must give it: 200, the contract's
    /// listener, the fn's id, the log frame header and the call's id; returns the environment it saw.
    /// </summary>
    public static async Task<Dictionary<string, string>> AssertEchoesTheContractAsync(IFnContainer container, ContainerSpec spec)
    {
        using var response = await CallAsync(container, "call-echo", """{"echo":true}""");

        Xunit.Assert.Equal(200, (int)response.StatusCode);
        using var echo = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var env = echo.RootElement.GetProperty("env").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty, StringComparer.Ordinal);
        Xunit.Assert.Equal("unix:/tmp/iofs/lsnr.sock", env["FN_LISTENER"]);
        Xunit.Assert.Equal(spec.FnId, env["FN_FN_ID"]);
        Xunit.Assert.Equal("Fn-Call-Id", env["FN_LOGFRAME_HDR"]);
        Xunit.Assert.Equal("call-echo", echo.RootElement.GetProperty("headers").GetProperty("Fn-Call-Id").GetString());
        return env;
    }

    /// <summary>Sends one call with a JSON command to the test function.</summary>
    public static async Task<HttpResponseMessage> CallAsync(IFnContainer container, string callId, string json)
    {
        using var client = new HttpStreamClient(container.SocketPath);
        var body = new MemoryStream(Encoding.UTF8.GetBytes(json));
        return await client.SendAsync(callId, DateTimeOffset.UtcNow.AddMinutes(1), [], body, body.Length, CancellationToken.None);
    }
}
