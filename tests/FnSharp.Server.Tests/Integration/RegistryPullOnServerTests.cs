using System.Net;
using System.Text;
using System.Text.Json;
using FnSharp.Client;
using FnSharp.Core.Models;
using FnSharp.Server.Calls;
using FnSharp.Testing;
using FnSharp.Testing.Docker;
using FnSharp.Testing.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FnSharp.Server.Tests.Integration;

/// <summary>
/// A fn whose image is only in the registry with basic auth of <c>scripts/start-registry.sh</c>, run by the real
/// server on the real engine: pulled with the credentials of the Docker config file in <c>DOCKER_CONFIG</c>, its
/// digest on the call record; with a wrong <c>FN_REGISTRY_PASSWORD</c> the caller gets an error naming the
/// registry and what to set, never the password, instead of "Container failed to initialize".
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class RegistryPullOnServerTests : IAsyncLifetime
{
    private readonly FnSharpServerFactory _server = new();
    private readonly TestRegistry _registry = TestRegistry.FromEnvironment();
    private readonly string _dockerConfig = TestDirectories.Create("fnsharp-dockercfg-");
    private HttpClient _http = null!;
    private FnSharpClient _client = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        await _server.DisposeAsync();
        await _registry.DisposeAsync();
        Directory.Delete(_dockerConfig, recursive: true);
    }

    [Fact]
    public async Task Invoke_ImageInAuthRegistryWithDockerConfigCredentials_PulledAndTheDigestOnTheCallRecord()
    {
        var image = _registry.Image(_registry.WithAuth, "digest");
        var digest = await _registry.PublishAsync(image, "digest");
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_registry.User}:{_registry.Password}"));
        await File.WriteAllTextAsync(
            Path.Combine(_dockerConfig, "config.json"),
            JsonSerializer.Serialize(new { auths = new Dictionary<string, object> { [_registry.WithAuth] = new { auth } } }));
        _server.Settings["DOCKER_CONFIG"] = _dockerConfig;
        Start();
        var fn = await CreateFnAsync(image);

        var call = await _client.InvokeAsync(fn.Id, """{"body":"pulled"}""");
        await _server.Services.GetRequiredService<CallRecorder>().FlushAsync();
        using var record = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"/v2/fns/{fn.Id}/calls/{call.CallId}", UriKind.Relative)));

        Assert.Equal((HttpStatusCode.OK, "pulled"), (call.StatusCode, call.Body));
        Assert.StartsWith("sha256:", digest, StringComparison.Ordinal);
        Assert.Equal(digest, record.RootElement.GetProperty("image_digest").GetString());
    }

    [Fact]
    public async Task Invoke_WrongRegistryPassword_502NamingTheRegistryAndTheSettingNeverThePassword()
    {
        var image = _registry.Image(_registry.WithAuth, "wrong");
        await _registry.PublishAsync(image, "wrong");
        _server.Settings["FN_REGISTRY_HOST"] = _registry.WithAuth;
        _server.Settings["FN_REGISTRY_USERNAME"] = _registry.User;
        _server.Settings["FN_REGISTRY_PASSWORD"] = "wrong-password-7";
        Start();
        var fn = await CreateFnAsync(image);

        var call = await _client.InvokeAsync(fn.Id, "{}");
        using var error = JsonDocument.Parse(call.Body);
        var message = error.RootElement.GetProperty("message").GetString()!;

        Assert.Equal(HttpStatusCode.BadGateway, call.StatusCode);
        Assert.StartsWith($"Failed to pull image '{image}': the registry {_registry.WithAuth} refused the credentials", message, StringComparison.Ordinal);
        Assert.Contains("Check FN_REGISTRY_USERNAME and FN_REGISTRY_PASSWORD", message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password-7", call.Body, StringComparison.Ordinal);
    }

    private void Start()
    {
        _http = _server.CreateClient();
        _client = new FnSharpClient(_http);
    }

    private async Task<Fn> CreateFnAsync(string image)
    {
        var app = await _client.CreateAppAsync(new App { Name = "registry-" + _registry.Namespace });
        return await _client.CreateFnAsync(new Fn { Name = "f", AppId = app.Id, Image = image });
    }
}
