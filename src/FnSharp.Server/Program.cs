using FnSharp.Server.Hosting;
using FnSharp.Server.Dashboard;
using FnSharp.Server.Detached;
using FnSharp.Server.Edge;
using FnSharp.Server.Telemetry;

// The content root is the binary's directory, not the working directory: appsettings.json (the log
// levels that keep ASP.NET Core's per-request lines out) sits beside the binary, and the server is
// started from anywhere (the quick start runs it from the repository's root). FN_DB_URL's relative
// paths stay relative to the working directory.
// appsettings.json is read once: the settings are checked at start-up and never reloaded, and a watcher of the file
// takes an inotify instance, of which a host has few (128 per user, dockerd's log followers among them): on a host
// that had none left the server failed to start.
if (ServerUsage.Answer(args, Console.Out) is { } answered)
{
    // --help, --version: nothing of the server is made.
    return answered;
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. args, "--hostBuilder:reloadConfigOnChange=false"], ContentRootPath = AppContext.BaseDirectory });
builder.AddFnSharpServer();
builder.AddFnSharpTelemetry();
builder.AddFnSharpAuth();
builder.AddFnSharpDashboard();

var app = builder.Build();
if (KeysCommand.IsKeysCommand(args))
{
    // fnsharp-server keys create|list|revoke: the server's store, without serving.
    return await KeysCommand.RunAsync(app, args, Console.Out, Console.Error);
}

app.UseFnSharpErrors();
app.UseFnSharpEdge();
app.UseFnSharpAuth();
app.MapFnSharpTelemetry();
app.MapVersionApi();
app.MapAppsApi();
app.MapFnsApi();
app.MapCallsApi();
app.MapTriggersApi();
app.MapInvokeApi();
app.MapHttpTriggerApi();
app.MapDetachedCallsApi();
app.MapNodesApi();
app.MapFnSharpAuthApis();
app.MapFnSharpDashboard();
return await app.RunFnSharpAsync();

/// <summary>The server's entry point; public so that functional tests can host it.</summary>
public partial class Program;
