using FnSharp.Core.Secrets;
using FnSharp.Client;

namespace FnSharp.Cli;

/// <summary>
/// What every command needs: the server's URL and a client on it, the output format, the streams and
/// progress display, and the resolution of names to ids (Fn's CLI addresses apps and fns by name; the
/// API by id), whose "not found" errors say what to run instead.
/// </summary>
internal sealed class CliContext : IDisposable
{
    /// <summary>The URL used when nothing else names one.</summary>
    public const string DefaultApiUrl = "http://localhost:8080";

    private readonly HttpClient _http;
    private CliConfigFile? _config;

    public CliContext(string apiUrl, string? apiUrlOption, OutputFormat format, CliIo io, string? token = null)
    {
        ApiUrl = apiUrl;
        ApiUrlOption = apiUrlOption;
        Format = format;
        Io = io;
        Progress = new ProgressDisplay(io.Error, io.Terminal, io.Time);
        _http = new HttpClient { BaseAddress = new Uri(apiUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromMinutes(6) };
        Client = new FnSharpClient(_http, token);
    }

    public string ApiUrl { get; }

    /// <summary>The <c>--api-url</c> given on the command line, repeated in the commands that hints print.</summary>
    public string? ApiUrlOption { get; }

    public CliIo Io { get; }

    public TextWriter Output => Io.Output;

    public TextWriter Error => Io.Error;

    public OutputFormat Format { get; }

    public bool Json => Format == OutputFormat.Json;

    public FnSharpClient Client { get; }

    public ProgressDisplay Progress { get; }

    /// <summary>Reads an environment variable (<c>DOCKER_HOST</c>, <c>FN_REGISTRY</c>); tests give their own.</summary>
    public Func<string, string?> Environment => Io.Environment;

    /// <summary>
    /// The API URL: <c>--api-url</c>, else <c>FN_API_URL</c>, else <c>api_url</c> in
    /// <c>~/.fnsharp/config.json</c>, else <see cref="DefaultApiUrl"/>.
    /// </summary>
    /// <exception cref="CliException">The URL is not an absolute http(s) URL, or the config file is not valid JSON.</exception>
    public static string ResolveApiUrl(string? option, string? environment, string? configFile)
    {
        var url = option is { Length: > 0 } ? option
            : environment is { Length: > 0 } ? environment
            : CliConfigFile.Read(configFile).ApiUrl ?? DefaultApiUrl;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw CliException.Usage($"the API URL '{CredentialMask.Hide(url)}' is not an absolute http(s) URL, for example {DefaultApiUrl}");
        }

        return url;
    }

    /// <summary>
    /// The API key: <c>--token</c>, else <c>FN_TOKEN</c> (Fn's CLI reads the same variable), else <c>token</c> in
    /// <c>~/.fnsharp/config.json</c>, else none.
    /// </summary>
    /// <exception cref="CliException">The config file is not valid.</exception>
    public static string? ResolveToken(string? option, string? environment, string? configFile) =>
        option is { Length: > 0 } ? option
        : environment is { Length: > 0 } ? environment
        : CliConfigFile.Read(configFile).Token;

    /// <summary>The user's config file by default: <c>~/.fnsharp/config.json</c>.</summary>
    public static string DefaultConfigFilePath =>
        Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".fnsharp", "config.json");

    /// <summary>The user's config file (<see cref="CliIo.ConfigFile"/>), read when first asked for.</summary>
    /// <exception cref="CliException">The file is not valid.</exception>
    public CliConfigFile Config => _config ??= CliConfigFile.Read(Io.ConfigFile);

    /// <summary>
    /// A message for people (<c>Successfully created app: shop</c>): on stdout in table output, on stderr
    /// with <c>--output json</c>, so that stdout holds the JSON document alone.
    /// </summary>
    public Task SayAsync(string line) => (Json ? Error : Output).WriteLineAsync(line);

    /// <summary>Prints <paramref name="value"/> as the command's JSON document.</summary>
    public Task WriteJsonAsync<T>(T value) => Output.WriteLineAsync(JsonOutput.Serialize(value));

    /// <summary>
    /// The command line <c>fnsharp WORDS</c> as a shell reads it back, with the <c>--api-url</c> this command
    /// was given, for hints that say what to run next.
    /// </summary>
    public string Command(params string[] words) =>
        ShellWords.Join(["fnsharp", .. words, .. ApiUrlOption is { Length: > 0 } url ? new[] { "--api-url", url } : []]);

    /// <summary>Returns the app named <paramref name="name"/>.</summary>
    /// <exception cref="CliException">No app has that name.</exception>
    public async Task<App> FindAppAsync(string name, CancellationToken cancellationToken) =>
        await TryFindAppAsync(name, cancellationToken)
        ?? throw new CliException($"app '{name}' not found", $"See the apps: {Command("list", "apps")}");

    /// <summary>Returns the app named <paramref name="name"/>, or <see langword="null"/> when there is none.</summary>
    public async Task<App?> TryFindAppAsync(string name, CancellationToken cancellationToken)
    {
        var page = await Client.ListAppsAsync(name: name, cancellationToken: cancellationToken);
        return page.Items.FirstOrDefault(a => a.Name == name);
    }

    /// <summary>Returns the fn named <paramref name="name"/> of <paramref name="app"/>, or <see langword="null"/> when there is none.</summary>
    public async Task<Fn?> TryFindFnAsync(App app, string name, CancellationToken cancellationToken)
    {
        var page = await Client.ListFnsAsync(appId: app.Id, name: name, cancellationToken: cancellationToken);
        return page.Items.FirstOrDefault(f => f.Name == name);
    }

    /// <summary>Returns the fn named <paramref name="name"/> of the app named <paramref name="appName"/>.</summary>
    /// <exception cref="CliException">The app or the fn does not exist.</exception>
    public async Task<(App App, Fn Fn)> FindFnAsync(string appName, string name, CancellationToken cancellationToken)
    {
        var app = await FindAppAsync(appName, cancellationToken);
        var fn = await TryFindFnAsync(app, name, cancellationToken)
            ?? throw new CliException($"fn '{name}' not found in app '{appName}'", $"See its fns: {Command("list", "fns", appName)}");
        return (app, fn);
    }

    /// <summary>Returns the trigger named <paramref name="name"/> of the fn <paramref name="fnName"/> in the app <paramref name="appName"/>.</summary>
    /// <exception cref="CliException">The app, the fn or the trigger does not exist.</exception>
    public async Task<(App App, Fn Fn, Trigger Trigger)> FindTriggerAsync(string appName, string fnName, string name, CancellationToken cancellationToken)
    {
        var (app, fn) = await FindFnAsync(appName, fnName, cancellationToken);
        var page = await Client.ListTriggersAsync(appId: app.Id, fnId: fn.Id, name: name, cancellationToken: cancellationToken);
        var trigger = page.Items.FirstOrDefault(t => t.Name == name)
            ?? throw new CliException($"trigger '{name}' not found on fn '{fnName}' in app '{appName}'", $"See its triggers: {Command("list", "triggers", appName, fnName)}");
        return (app, fn, trigger);
    }

    public void Dispose() => _http.Dispose();
}
