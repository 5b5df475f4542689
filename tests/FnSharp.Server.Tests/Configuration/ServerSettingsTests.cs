using FnSharp.Server.Configuration;
using FnSharp.Testing;
using FnSharp.Testing.Fakes;
using FnSharp.Testing.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace FnSharp.Server.Tests.Configuration;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class ServerSettingsTests
{
    [Fact]
    public void Configure_Nothing_FnsDefaults()
    {
        var options = Read([]);

        Assert.Equal((8080, "sqlite3://./data/fnsharp.db", "./data/fnsharp.db", null, 6L * 1024 * 1024), (options.Port, options.DbUrl, options.SqlitePath, options.PublicLbUrl, options.MaxRequestSize));
        Assert.Empty(Failures(options));
    }

    [Fact]
    public void Configure_CallSettings_DefaultsAndValuesRead()
    {
        var defaults = Read([]);
        var set = Read(new() { ["FN_MAX_LOG_SIZE_BYTES"] = "4096", ["FN_CALL_MAX_AGE_SECS"] = "0", ["FN_CALL_LOG_WAIT_MSECS"] = "1000" });

        Assert.Equal((1024L * 1024, 604800, 250), (defaults.MaxLogSizeBytes, defaults.CallMaxAgeSecs, defaults.CallLogWaitMs));
        Assert.Equal((4096L, 0, 1000), (set.MaxLogSizeBytes, set.CallMaxAgeSecs, set.CallLogWaitMs));
        Assert.Empty(Failures(set));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    public void Configure_CallRecords_OnByDefault(string? value, bool expected)
    {
        Dictionary<string, string?> settings = new() { ["FN_CALL_RECORDS"] = value };

        Assert.Equal(expected, Read(settings).CallRecords);
        Assert.Empty(Validate(settings));
    }

    [Fact]
    public void Configure_EdgeSettings_DefaultsAndValuesRead()
    {
        var defaults = Read([]);
        var set = Read(new()
        {
            ["FN_MAX_REQUEST_HEADERS_SIZE"] = "32768",
            ["FN_MAX_REQUEST_HEADER_COUNT"] = "50",
            ["FN_MAX_REQUEST_LINE_SIZE"] = "4096",
            ["FN_REQUEST_HEADERS_TIMEOUT_MSECS"] = "5000",
            ["FN_REQUEST_BODY_TIMEOUT_MSECS"] = "20000",
            ["FN_MIN_REQUEST_BODY_RATE"] = "0",
        });

        Assert.Equal((12288, 100, 8192, 10000, 10000, 240), (defaults.MaxRequestHeadersSize, defaults.MaxRequestHeaderCount, defaults.MaxRequestLineSize, defaults.RequestHeadersTimeoutMs, defaults.RequestBodyTimeoutMs, defaults.MinRequestBodyRate));
        Assert.Equal((32768, 50, 4096, 5000, 20000, 0), (set.MaxRequestHeadersSize, set.MaxRequestHeaderCount, set.MaxRequestLineSize, set.RequestHeadersTimeoutMs, set.RequestBodyTimeoutMs, set.MinRequestBodyRate));
        Assert.Empty(Failures(set));
    }

    [Fact]
    public void Configure_EverySetting_Read()
    {
        var options = Read(new()
        {
            ["FN_PORT"] = "9090",
            ["FN_DB_URL"] = "postgres://fn:secret@db:5433/fn",
            ["FN_PUBLIC_LB_URL"] = "https://fn.example.com",
            ["FN_MAX_REQUEST_SIZE"] = "1024",
        });

        Assert.Equal((9090, true, "https://fn.example.com", 1024L), (options.Port, options.UsesPostgres, options.PublicLbUrl, options.MaxRequestSize));
        Assert.Equal("postgres://fn:***@db:5433/fn", options.RedactedDbUrl);
        Assert.Empty(Failures(options));
    }

    [Fact]
    public void Configure_AppsettingsThenCommandLine_CommandLineWins()
    {
        using var json = new MemoryStream("""{"FN_PORT":"7070","FN_MAX_REQUEST_SIZE":"2048","FN_DB_URL":"sqlite3:///var/lib/fn.db"}"""u8.ToArray());
        var configuration = new ConfigurationBuilder().AddJsonStream(json).AddCommandLine(["--FN_PORT=9091", "--FN_PUBLIC_LB_URL=http://lb:80"]).Build();
        var options = new ServerOptions();

        Settings.Server.Bind(configuration, options);

        Assert.Equal((9091, 2048L, "/var/lib/fn.db", "http://lb:80"), (options.Port, options.MaxRequestSize, options.SqlitePath, options.PublicLbUrl));
    }

    [Theory]
    [InlineData("FN_PORT", "0", "FN_PORT must be a TCP port from 1 to 65535, not 0.")]
    [InlineData("FN_DB_URL", "mysql://u@h/db", "FN_DB_URL 'mysql://***@h/db' is not supported: use sqlite3:///absolute/path.db, sqlite3://./relative/path.db or postgres://user:password@host:port/database.")]
    [InlineData("FN_DB_URL", "postgres://u:secret@h", "FN_DB_URL 'postgres://u:***@h' is not a valid PostgreSQL URL: it names no database (the path after the host).")]
    [InlineData("FN_PUBLIC_LB_URL", "fn.example.com", "FN_PUBLIC_LB_URL 'fn.example.com' is not an absolute http or https URL, for example http://fn.example.com:8080.")]
    [InlineData("FN_MAX_REQUEST_SIZE", "0", "FN_MAX_REQUEST_SIZE must be a positive number of bytes, not 0.")]
    [InlineData("FN_MAX_LOG_SIZE_BYTES", "0", "FN_MAX_LOG_SIZE_BYTES must be a positive number of bytes, not 0.")]
    [InlineData("FN_CALL_MAX_AGE_SECS", "-1", "FN_CALL_MAX_AGE_SECS must be a number of seconds (0 keeps calls forever), not -1.")]
    [InlineData("FN_CALL_LOG_WAIT_MSECS", "60001", "FN_CALL_LOG_WAIT_MSECS must be a number of milliseconds from 0 to 60000, not 60001.")]
    [InlineData("FN_CALL_RECORDS", "off", "FN_CALL_RECORDS must be true or false, not 'off'.")]
    [InlineData("FN_MAX_REQUEST_HEADERS_SIZE", "1023", "FN_MAX_REQUEST_HEADERS_SIZE must be a number of bytes from 1024 to 1048576, not 1023.")]
    [InlineData("FN_MAX_REQUEST_HEADER_COUNT", "0", "FN_MAX_REQUEST_HEADER_COUNT must be a number of headers from 1 to 10000, not 0.")]
    [InlineData("FN_MAX_REQUEST_LINE_SIZE", "2000000", "FN_MAX_REQUEST_LINE_SIZE must be a number of bytes from 256 to 1048576, not 2000000.")]
    [InlineData("FN_REQUEST_HEADERS_TIMEOUT_MSECS", "0", "FN_REQUEST_HEADERS_TIMEOUT_MSECS must be a number of milliseconds from 100 to 600000, not 0.")]
    [InlineData("FN_REQUEST_BODY_TIMEOUT_MSECS", "600001", "FN_REQUEST_BODY_TIMEOUT_MSECS must be a number of milliseconds from 100 to 600000, not 600001.")]
    [InlineData("FN_MIN_REQUEST_BODY_RATE", "-1", "FN_MIN_REQUEST_BODY_RATE must be a number of bytes per second (0: one byte per FN_REQUEST_BODY_TIMEOUT_MSECS is enough), not -1.")]
    public void Validate_BadSetting_MessageNamesIt(string key, string value, string message) =>
        Assert.Equal([message], Validate(new() { [key] = value }));

    [Fact]
    public async Task Start_BadSetting_RefusesToStartNamingIt()
    {
        await using var driver = new FakeContainerDriver();
        await using var server = new FnSharpServerFactory(driver);
        server.Settings["FN_MAX_REQUEST_SIZE"] = "-5";

        var e = Assert.Throws<OptionsValidationException>(() => server.Start());

        Assert.Contains("FN_MAX_REQUEST_SIZE must be a positive number of bytes, not -5.", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres://fn:s3cr%40t@db:5432/fn", "postgres://fn:***@db:5432/fn")]
    [InlineData("postgres://fn:p@ss@db/fn", "postgres://fn:***@db/fn")]
    [InlineData("postgres://fn@db/fn", "postgres://***@db/fn")]
    [InlineData("Host=db;Password=secret", "Host=db;Password=***")]
    [InlineData("sqlite3:///data/fn.db", "sqlite3:///data/fn.db")]
    [InlineData("garbage", "garbage")]
    public void RedactedDbUrl_Password_Hidden(string url, string shown) =>
        Assert.Equal(shown, new ServerOptions { DbUrl = url }.RedactedDbUrl);

    private static ServerOptions Read(Dictionary<string, string?> settings) =>
        Settings.Server.Read(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).Options;

    /// <summary>Reads and checks <paramref name="settings"/> as the server does, with one configuration for both.</summary>
    private static IEnumerable<string> Validate(Dictionary<string, string?> settings) =>
        Settings.Server.Read(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).Failures;

    private static IEnumerable<string> Failures(ServerOptions options) =>
        Settings.Server.Validate(new ConfigurationBuilder().Build(), options);
}
