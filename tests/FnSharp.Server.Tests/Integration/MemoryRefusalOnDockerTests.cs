using System.Net;
using FnSharp.Core.Models;
using FnSharp.Testing;
using FnSharp.Testing.Hosting;

namespace FnSharp.Server.Tests.Integration;

/// <summary>
/// A fn bigger than the node, on the real server and engine with 200 MiB for containers: 400 with the amounts
/// and the settings that bound them (Fn said only "Requested CPU/Memory cannot be allocated"), no container
/// started for it, while a fn that fits runs.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class MemoryRefusalOnDockerTests : IAsyncLifetime
{
    private readonly FnSharpServerFactory _server = new();

    public Task InitializeAsync()
    {
        _server.Settings["FN_MAX_TOTAL_MEMORY_BYTES"] = (200L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _server.Settings["FN_MEMORY_HEADROOM_MIB"] = "0";
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Invoke_FnAsking8192MiBOnA200MiBNode_400WithTheAmountsWhileASmallFnRuns()
    {
        var client = _server.CreateFnClient();
        var app = await client.CreateAppAsync(new App { Name = "memory-refusal" });
        var big = await client.CreateFnAsync(new Fn { Name = "big", AppId = app.Id, Image = "fnsharp/testfn:latest", Memory = 8192 });
        var small = await client.CreateFnAsync(new Fn { Name = "small", AppId = app.Id, Image = "fnsharp/testfn:latest", Memory = 64 });

        var refused = await client.InvokeAsync(big.Id, """{"body":"x"}""");
        var served = await client.InvokeAsync(small.Id, """{"body":"fits"}""");

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("""{"message":"Requested CPU/Memory cannot be allocated: the fn asks 8192 MiB and containers on this node may use 200 MiB in all (bounded by FN_MAX_TOTAL_MEMORY_BYTES=209715200); lower the fn's memory"}""", refused.Body);
        Assert.Equal((HttpStatusCode.OK, "fits"), (served.StatusCode, served.Body));
    }
}
