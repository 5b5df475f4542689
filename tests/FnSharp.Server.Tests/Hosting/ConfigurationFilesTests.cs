using FnSharp.Testing;
using FnSharp.Testing.Fakes;
using FnSharp.Testing.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FnSharp.Server.Tests.Hosting;

/// <summary>
/// The server reads its configuration files once: a watcher of appsettings.json would take an inotify instance,
/// of which a host has few (dockerd's log followers use them too), and on a host with none left the server failed
/// to start (issue 15, case 7).
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class ConfigurationFilesTests
{
    [Fact]
    public async Task Start_AppSettingsFiles_ReadOnceAndNotWatched()
    {
        await using var driver = new FakeContainerDriver();
        await using var server = new FnSharpServerFactory(driver);
        server.Start();

        var files = ((IConfigurationRoot)server.Services.GetRequiredService<IConfiguration>()).Providers.OfType<FileConfigurationProvider>().ToList();

        Assert.Contains(files, f => f.Source.Path == "appsettings.json");
        Assert.All(files, f => Assert.False(f.Source.ReloadOnChange, f.Source.Path));
    }
}
