using FnSharp.Agent.Drivers;
using FnSharp.Client;
using FnSharp.Testing.Fakes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FnSharp.Testing.Hosting;

/// <summary>
/// Hosts the real server pipeline in-process on a fresh SQLite file in a temporary directory. With a
/// <see cref="FakeContainerDriver"/> it needs no Docker (functional tests); without one it runs calls
/// on the real Docker engine (integration tests).
/// </summary>
public sealed class FnSharpServerFactory : WebApplicationFactory<Program>
{
    private readonly FakeContainerDriver? _driver;

    /// <summary>Creates a server whose calls go to <paramref name="driver"/>, or to Docker when it is <see langword="null"/>.</summary>
    public FnSharpServerFactory(FakeContainerDriver? driver = null, string? dataDirectory = null)
    {
        _driver = driver;
        DataDirectory = dataDirectory ?? Directory.CreateTempSubdirectory("fnsharp-test-").FullName;
    }

    /// <summary>The directory holding the server's SQLite file.</summary>
    public string DataDirectory { get; }

    /// <summary>The SQLite file the server uses.</summary>
    public string DatabasePath => Path.Combine(DataDirectory, "fnsharp.db");

    /// <summary>This server's node name, unique per factory, so that servers of parallel tests leave each other's containers alone.</summary>
    public string NodeName { get; } = "test-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Extra configuration (<c>FN_*</c> names and values) applied when the server is built.</summary>
    public IDictionary<string, string> Settings { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>A typed API client on this server.</summary>
    public FnSharpClient CreateFnClient() => new(CreateClient());

    /// <inheritdoc/>
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseSetting("FN_DB_URL", "sqlite3://" + DatabasePath);
        builder.UseSetting("FN_NODE_NAME", NodeName);
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        if (_driver is not null)
        {
            builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<IContainerDriver>(_driver)));
        }
    }
}
