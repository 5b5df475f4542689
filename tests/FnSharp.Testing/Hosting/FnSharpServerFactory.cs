using FnSharp.Agent.Drivers;
using FnSharp.Client;
using FnSharp.Testing.Fakes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FnSharp.Testing.Hosting;

/// <summary>
/// Hosts the real server pipeline in-process on a fresh SQLite file in a directory of <see cref="TestDirectories"/> (or on
/// the database of <see cref="DbUrl"/>). With a <see cref="FakeContainerDriver"/> it needs no Docker
/// (functional tests); without one it runs calls on the real Docker engine (integration tests).
/// Set <see cref="Settings"/>, <see cref="DbUrl"/>, <see cref="Time"/> and <see cref="TestServices"/> before the first request.
/// </summary>
public sealed class FnSharpServerFactory : WebApplicationFactory<Program>
{
    private readonly FakeContainerDriver? _driver;
    private System.Runtime.ExceptionServices.ExceptionDispatchInfo? _startFailure;

    /// <summary>Creates a server whose calls go to <paramref name="driver"/>, or to Docker when it is <see langword="null"/>.</summary>
    public FnSharpServerFactory(FakeContainerDriver? driver = null, string? dataDirectory = null)
    {
        _driver = driver;
        DataDirectory = dataDirectory ?? TestDirectories.Create("fnsharp-test-");
    }

    /// <summary>
    /// The directory holding the server's SQLite file; it outlives the factory until the test process exits, so that a
    /// second factory given it plays a restart of the server on the same store.
    /// </summary>
    public string DataDirectory { get; }

    /// <summary>The SQLite file the server uses.</summary>
    public string DatabasePath => Path.Combine(DataDirectory, "fnsharp.db");

    /// <summary>
    /// The <c>FN_DOCKER_API_TIMEOUT_MSECS</c> of every test server, in ms (this factory's, child server processes', local
    /// cluster nodes'): the shared engine of a loaded machine (2 cores, several test runs at once) was seen to take 5.0 s
    /// for a <c>docker rm -f</c> and over 5 s for one Engine API call of 12 cold starts at once. At the default 5 s bound a
    /// removal is given up and retried later (a test that counts the fn's containers sees one too many) and a start
    /// answers its call 503 'container engine unavailable'. The tests do not assert the bound; those of a hung engine set
    /// their own. (Written before a call's engine was pinged and a busy one waited for; kept, since on a host loaded by
    /// several test runs the ping may be slow too.)
    /// </summary>
    public const string EngineApiTimeoutMs = "60000";

    /// <summary>This server's node name, unique per factory, so that servers of parallel tests leave each other's containers alone.</summary>
    public string NodeName { get; } = "test-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The server's <c>FN_DB_URL</c>; the SQLite file <see cref="DatabasePath"/> unless set.</summary>
    public string? DbUrl { get; set; }

    /// <summary>Further <c>FN_*</c> settings, for example <c>FN_MAX_REQUEST_SIZE</c>.</summary>
    public Dictionary<string, string> Settings { get; } = new(StringComparer.Ordinal);

    /// <summary>The server's clock (for example a <c>FakeTimeProvider</c>); the system clock unless set.</summary>
    public TimeProvider? Time { get; set; }

    /// <summary>
    /// Registrations applied after the server's own, to replace or decorate one of its services (for
    /// example a call store that reports what the server stores); none unless set.
    /// </summary>
    public Action<IServiceCollection>? TestServices { get; set; }

    /// <summary>A typed API client on this server.</summary>
    public FnSharpClient CreateFnClient() => new(CreateClient());

    /// <summary>
    /// Starts the server on Kestrel on a free loopback port, for clients in other processes or
    /// that need a real socket (the CLI); returns its base URL, for example <c>http://127.0.0.1:41234</c>.
    /// </summary>
    public Uri StartOnLoopback()
    {
        UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));
        StartServer();
        var addresses = Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First());
    }

    /// <inheritdoc/>
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseSetting("FN_DB_URL", DbUrl ?? "sqlite3://" + DatabasePath);
        builder.UseSetting("FN_NODE_NAME", NodeName);

        // In memory there is no socket, and StartOnLoopback binds 127.0.0.1: a server without keys runs open there.
        builder.UseSetting("FN_LISTEN_ADDRESS", "127.0.0.1");

        // Off unless a test sets it: a container created ahead at each fn's create would add a container, a create and
        // metric series to every test that counts them. The tests of that feature set FN_PRECREATE_MAX themselves.
        builder.UseSetting("FN_PRECREATE_MAX", "0");

        builder.UseSetting("FN_DOCKER_API_TIMEOUT_MSECS", EngineApiTimeoutMs);
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        // Not Development, whose developer exception page would answer errors instead of the server's own handler.
        builder.UseEnvironment("Testing");
        builder.ConfigureServices(services =>
        {
            if (_driver is not null)
            {
                services.Replace(ServiceDescriptor.Singleton<IContainerDriver>(_driver));
            }

            if (Time is not null)
            {
                services.Replace(ServiceDescriptor.Singleton(Time));
            }

            if (services.LastOrDefault(d => d.ServiceType == typeof(IStartupValidator)) is { ImplementationType: { } validator })
            {
                services.Replace(ServiceDescriptor.Transient<IStartupValidator>(sp => new RecordingStartupValidator(
                    (IStartupValidator)ActivatorUtilities.CreateInstance(sp, validator),
                    failure => Volatile.Write(ref _startFailure, failure))));
            }
        });
        if (TestServices is { } testServices)
        {
            builder.ConfigureTestServices(testServices);
        }
    }

    /// <summary>
    /// Starts the server in memory. When its start-up validation fails, throws that failure (an
    /// <see cref="Microsoft.Extensions.Options.OptionsValidationException"/>), even though the server's
    /// Main has already reported it and disposed the host.
    /// </summary>
    public void Start()
    {
        try
        {
            StartServer();
        }
        catch (ObjectDisposedException) when (Volatile.Read(ref _startFailure) is { } failure)
        {
            failure.Throw();
            throw;
        }
    }

    /// <inheritdoc/>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        try
        {
            return base.CreateHost(builder);
        }
        catch (ObjectDisposedException) when (Volatile.Read(ref _startFailure) is { } failure)
        {
            // The server failed its start-up validation and disposed itself before the factory looked at it.
            failure.Throw();
            throw;
        }
    }
}
