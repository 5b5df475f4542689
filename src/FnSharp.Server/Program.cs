using FnSharp.Server.Apis;
using FnSharp.Server.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddFnSharpServer();

var app = builder.Build();
app.UseFnSharpErrors();
app.MapVersionApi();
app.MapAppsApi();
app.MapFnsApi();
app.MapTriggersApi();
app.MapInvokeApi();
app.MapHttpTriggerApi();
await app.RunAsync();

/// <summary>The server's entry point; public so that functional tests can host it.</summary>
public partial class Program;
