using System.Text.RegularExpressions;
using FnSharp.Server.Configuration;
using FnSharp.Testing;
using Microsoft.Extensions.Configuration;

namespace FnSharp.Server.Tests.Configuration;

/// <summary>The table of settings as a whole: the documentation lists exactly its keys, and every key reads alike.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed partial class SettingsTests
{
    [Fact]
    public void Keys_ConfigurationDoc_ListsExactlyThem()
    {
        var doc = File.ReadAllLines(Path.Combine(RepositoryRoot(), "docs", "configuration.md"));

        // The first cell of each table row names its keys: "| `FN_PORT` | 8080 | ..." (two keys share a row).
        var documented = doc.Where(line => line.StartsWith("| `", StringComparison.Ordinal))
            .SelectMany(line => Key().Matches(line.Split('|')[1]).Select(m => m.Groups[1].Value))
            .ToList();

        Assert.Equal(documented.Distinct().Order(StringComparer.Ordinal), Settings.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(documented.Count, documented.Distinct().Count());
    }

    [Theory]
    [InlineData("FN_PORT", "abc", "FN_PORT must be a TCP port from 1 to 65535, not 'abc'.")]
    [InlineData("FN_MAX_REQUEST_SIZE", "6MB", "FN_MAX_REQUEST_SIZE must be a positive number of bytes, not '6MB'.")]
    [InlineData("FN_DISABLE_READONLY_ROOTFS", "yes", "FN_DISABLE_READONLY_ROOTFS must be true or false, not 'yes'.")]
    [InlineData("FN_ASYNC_MEMORY_SHARE", "80%", "FN_ASYNC_MEMORY_SHARE must be between 0 and 1, not '80%'.")]
    public void Read_TextThatIsNoValue_MessageQuotesIt(string key, string value, string message)
    {
        var configuration = Configuration(key, value);

        var failures = Settings.Server.Read(configuration).Failures
            .Concat(Settings.Docker.Read(configuration).Failures)
            .Concat(Settings.Agent.Read(configuration).Failures);

        Assert.Equal([message], failures);
    }

    [Fact]
    public void Read_EmptyValue_Default()
    {
        var (options, failures) = Settings.Server.Read(Configuration("FN_PORT", ""));

        Assert.Equal(8080, options.Port);
        Assert.Empty(failures);
    }

    [Fact]
    public void Read_OnlyBlanks_NamedAsABadValue()
    {
        Assert.Equal(["FN_PORT must be a TCP port from 1 to 65535, not '  '."], Settings.Server.Read(Configuration("FN_PORT", "  ")).Failures);
    }

    [Fact]
    public void Read_KeyInAnyCase_Read()
    {
        Assert.Equal(9090, Settings.Server.Read(Configuration("fn_port", "9090")).Options.Port);
    }

    [Fact]
    public void Rows_EveryKeyOncePerGroup()
    {
        Assert.All(
            [Settings.Server.Keys, Settings.Agent.Keys, Settings.Docker.Keys, Settings.Runc.Keys, Settings.Detached.Keys, Settings.Triggers.Keys, Settings.Telemetry.Keys],
            keys => Assert.Equal(keys.Count(), keys.Distinct(StringComparer.OrdinalIgnoreCase).Count()));
    }

    private static IConfiguration Configuration(string key, string value) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FnSharp.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("FnSharp.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("`([A-Z][A-Z0-9_]+)`")]
    private static partial Regex Key();
}
