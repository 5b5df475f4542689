using FnSharp.Server.Configuration;
using FnSharp.Testing;
using FnSharp.Testing.Fakes;
using FnSharp.Testing.Hosting;
using FnSharp.Testing.Logging;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace FnSharp.Server.Tests.Configuration;

/// <summary>Fn's settings FnSharp does not honour: said at start-up, one warning each, never ignored unsaid.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class FnOnlySettingsTests : IAsyncLifetime
{
    private const int NotHonouredEvent = 1007;

    private readonly CapturingLoggerProvider _logs = new();
    private readonly FnSharpServerFactory _factory = new(new FakeContainerDriver());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Start_FnSettingsSet_OneWarningEachNamingItsValueAndWhatFnSharpDoes()
    {
        _factory.Settings["FN_NODE_TYPE"] = "api";
        _factory.Settings["FN_LOG_DEST"] = "tcp://logs.example.com:514";
        _factory.Settings["FN_MAX_FS_SIZE_MB"] = "100";
        _factory.Settings["FN_HOT_POLL_MSECS"] = "200";
        _factory.Settings["FN_IOFS_TMPFS"] = "true";
        _factory.Settings["FN_ZIPKIN_URL"] = "http://user:secret@zipkin:9411/api/v2/spans";

        await StartAsync();

        Assert.Equal(
            [
                "FN_NODE_TYPE=api is Fn's split into API, runner and load-balancer nodes; FnSharp runs every node as a full node (see docs/cluster.md)",
                "FN_LOG_DEST=tcp://logs.example.com:514 is ignored: FnSharp writes its log to stderr only (FN_LOG_FORMAT=json for a collector), and a call's output to its call's log",
                "FN_ZIPKIN_URL=http://user:***@zipkin:9411/api/v2/spans is ignored: FnSharp exports traces over OTLP only (OTEL_EXPORTER_OTLP_ENDPOINT; Zipkin through an OpenTelemetry collector)",
                "FN_HOT_POLL_MSECS=200 is ignored: FnSharp's runner does not poll; a container started or given back goes to the call waiting longest at once",
                "FN_MAX_FS_SIZE_MB=100 is ignored: FnSharp sets no size of a container's filesystem; its root is read-only and /tmp is a tmpfs of FN_TMPFS_SIZE_MB",
                "FN_IOFS_TMPFS=true is ignored: FnSharp mounts no tmpfs for the containers' sockets: each container's socket directory is a directory under FN_IOFS_PATH",
            ],
            Warnings());
        Assert.All(_logs.Logger.Entries.Where(e => e.EventId == NotHonouredEvent), e => Assert.Equal(LogLevel.Warning, e.Level));
    }

    [Theory]
    [InlineData("full")]
    [InlineData("")]
    public async Task Start_FullNodeOrNoFnSetting_NoWarning(string nodeType)
    {
        _factory.Settings["FN_NODE_TYPE"] = nodeType;

        await StartAsync();

        Assert.Empty(Warnings());
    }

    [Fact]
    public void Keys_NoneIsReadBySettings()
    {
        Assert.Equal(["FN_NODE_TYPE"], FnOnlySettings.Keys.Intersect(Settings.Keys, StringComparer.OrdinalIgnoreCase));
        Assert.Equal(FnOnlySettings.Keys.Count(), FnOnlySettings.Keys.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void Keys_ConfigurationDoc_NamesEach()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "configuration.md"));

        Assert.All(FnOnlySettings.Keys, key => Assert.Contains($"`{key}`", doc, StringComparison.Ordinal));
    }

    [Fact]
    public void Set_LongValue_Cut()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["FN_LOG_PREFIX"] = new string('p', 150) }).Build();

        var (key, value, _) = Assert.Single(FnOnlySettings.Set(configuration));

        Assert.Equal(("FN_LOG_PREFIX", new string('p', 100) + "..."), (key, value));
    }

    [Theory]
    [InlineData("http://user:secret@zipkin:9411/api/v2/spans", "http://user:***@zipkin:9411/api/v2/spans")]
    [InlineData("http://user:p@ss@zipkin:9411/", "http://user:***@zipkin:9411/")]
    [InlineData("http://token@zipkin:9411/", "http://***@zipkin:9411/")]
    [InlineData("tcp://a:b@logs1:514,tcp://c:d@logs2:514", "tcp://a:***@logs1:514,tcp://c:***@logs2:514")]
    [InlineData("http://zipkin:9411/api/v2/spans", "http://zipkin:9411/api/v2/spans")]
    [InlineData("user@host", "user@host")]
    public void Set_UrlWithCredentials_Masked(string url, string shown)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["FN_ZIPKIN_URL"] = url }).Build();

        var (_, value, _) = Assert.Single(FnOnlySettings.Set(configuration));

        Assert.Equal(shown, value);
    }

    [Theory]
    [InlineData("pure-runner", "FN_NODE_TYPE must be full, api or lb, not 'pure-runner': FnSharp has no runner-only node (Fn's pure runner, which serves only its load balancer's gRPC); every FnSharp node serves the whole API, /invoke and /t. Unset it to run a full node (see docs/cluster.md).")]
    [InlineData("runner", "FN_NODE_TYPE must be full, api or lb (each runs a full node in FnSharp), not 'runner'.")]
    public void Read_NodeTypeFnSharpCannotRun_Refused(string value, string message)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["FN_NODE_TYPE"] = value }).Build();

        Assert.Equal([message], Settings.Cluster.Read(configuration).Failures);
    }

    [Theory]
    [InlineData("full")]
    [InlineData("API")]
    [InlineData("lb")]
    public void Read_NodeTypeOfAFullNode_Accepted(string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["FN_NODE_TYPE"] = value }).Build();

        var (options, failures) = Settings.Cluster.Read(configuration);

        Assert.Empty(failures);
        Assert.Equal(value.ToLowerInvariant(), options.NodeType);
    }

    private async Task StartAsync()
    {
        using var client = _factory.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(_logs))).CreateClient();
        using var response = await client.GetAsync(new Uri("/v2/apps", UriKind.Relative));
        response.EnsureSuccessStatusCode();
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FnSharp.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("FnSharp.sln not found above " + AppContext.BaseDirectory);
    }

    private List<string> Warnings() => [.. _logs.Logger.Entries.Where(e => e.EventId == NotHonouredEvent).Select(e => e.Message)];
}
