using FnSharp.Server.Apis;
using FnSharp.Server.Configuration;

namespace FnSharp.Server.Hosting;

/// <summary>
/// <c>fnsharp-server --help</c> and <c>--version</c>: answered before anything of the server is made (no store, no
/// runner, no clean-up of the node's containers), where the host would otherwise take them as configuration switches
/// and start serving. Every other argument is the host's (<c>--FN_PORT=9090</c>, the test host's switches).
/// </summary>
internal static class ServerUsage
{
    private const int Width = 100;

    /// <summary>Answers <paramref name="args"/> when they ask for help or the version, writing to <paramref name="output"/>.</summary>
    /// <returns>The exit code (0), or <see langword="null"/> when the arguments ask for something else (serve, <c>keys</c>).</returns>
    public static int? Answer(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        switch (args)
        {
            case ["--help" or "-h" or "-?" or "help"]:
                output.Write(Help());
                return 0;
            case ["--version"]:
                output.WriteLine(VersionApi.Text);
                return 0;
            default:
                return null;
        }
    }

    /// <summary>The help text: what the server is, its commands, and every setting it reads.</summary>
    public static string Help()
    {
        var help = new StringWriter();
        help.WriteLine("fnsharp-server: FnSharp's server (Fn's API v2, the runner that keeps fns' containers hot, the dashboard).");
        help.WriteLine();
        help.WriteLine("Usage:");
        help.WriteLine("  fnsharp-server               serve, as the settings below say (the API on FN_PORT, default 8080)");
        help.WriteLine("  fnsharp-server keys ...      manage API keys on the server's store; 'fnsharp-server keys' prints its usage");
        help.WriteLine("  fnsharp-server --version     print the version");
        help.WriteLine("  fnsharp-server --help        print this help");
        help.WriteLine();
        help.WriteLine("Settings are environment variables (or --NAME=VALUE switches); an empty value means the default.");
        help.WriteLine("A server with no API key serves only on loopback: FN_LISTEN_ADDRESS=127.0.0.1 fnsharp-server");
        help.WriteLine("docs/configuration.md gives each one's default and meaning. The settings read:");
        var line = " ";
        foreach (var key in Settings.Keys)
        {
            if (line.Length + key.Length + 1 > Width)
            {
                help.WriteLine(line);
                line = " ";
            }

            line += " " + key;
        }

        help.WriteLine(line);
        return help.ToString();
    }
}
