using FnSharp.Testing.Fakes;
using FnSharp.Testing.Hosting;

namespace FnSharp.Cli.Tests;

/// <summary>A real server on loopback (Kestrel on a free port, fake containers) and a way to run the CLI against it.</summary>
public abstract class CliServerTest : IAsyncLifetime
{
    private readonly FnSharpServerFactory _server;

    protected CliServerTest()
    {
        _server = new FnSharpServerFactory(Driver);
        Url = _server.StartOnLoopback().ToString().TrimEnd('/');
    }

    protected FakeContainerDriver Driver { get; } = new();

    protected string Url { get; }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await Driver.DisposeAsync();
    }

    protected Task<(int Code, string Output, string Error)> RunAsync(params string[] args) => RunWithUrlAsync(Url, args);

    protected static async Task<(int Code, string Output, string Error)> RunWithUrlAsync(string url, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync([.. args, "--api-url", url], output, error);
        return (code, output.ToString().ReplaceLineEndings("\n"), error.ToString().ReplaceLineEndings("\n"));
    }

    /// <summary>Runs a command that must succeed, and returns its output.</summary>
    protected async Task<string> OkAsync(params string[] args)
    {
        var (code, output, error) = await RunAsync(args);
        Assert.True(code == 0, $"fnsharp {string.Join(' ', args)} exited {code}: {error}");
        return output;
    }
}
