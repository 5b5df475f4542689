using FnSharp.Testing.Fakes;
using FnSharp.Testing.Hosting;

namespace FnSharp.Cli.Tests;

/// <summary>A real server on loopback (Kestrel on a free port, fake containers) and a way to run the CLI against it.</summary>
public abstract class CliServerTest : IAsyncLifetime
{
    private readonly FnSharpServerFactory _server;

    protected CliServerTest()
        : this(null)
    {
    }

    /// <summary>A server with <paramref name="settings"/> beside the test defaults.</summary>
    protected CliServerTest(IReadOnlyDictionary<string, string>? settings)
    {
        _server = new FnSharpServerFactory(Driver);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            _server.Settings[key] = value;
        }

        Url = _server.StartOnLoopback().ToString().TrimEnd('/');
    }

    protected FakeContainerDriver Driver { get; } = new();

    protected string Url { get; }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await Driver.DisposeAsync();
    }

    protected Task<(int Code, string Output, string Error)> RunAsync(params string[] args) => RunWithUrlAsync(Url, args);

    /// <summary>Runs the CLI with <paramref name="environment"/> over the process's environment (for DOCKER_HOST, FN_REGISTRY).</summary>
    protected Task<(int Code, string Output, string Error)> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        CliRun.RunAsync([.. args, "--api-url", Url], environment);

    protected static Task<(int Code, string Output, string Error)> RunWithUrlAsync(string url, params string[] args) =>
        CliRun.RunAsync([.. args, "--api-url", url]);

    /// <summary>Runs a command that must succeed, and returns its output.</summary>
    protected async Task<string> OkAsync(params string[] args)
    {
        var (code, output, error) = await RunAsync(args);
        Assert.True(code == 0, $"fnsharp {string.Join(' ', args)} exited {code}: {error}");
        return output;
    }
}
