using FnSharp.Server.Apis;
using FnSharp.Server.Hosting;
using FnSharp.Server.Telemetry;

var builder = WebApplication.CreateBuilder(args);
builder.AddFnSharpServer();
builder.AddFnSharpTelemetry();

var app = builder.Build();
app.UseFnSharpErrors();
app.MapFnSharpTelemetry();
app.MapVersionApi();
app.MapAppsApi();
app.MapFnsApi();
app.MapCallsApi();
app.MapTriggersApi();
app.MapInvokeApi();
app.MapHttpTriggerApi();
app.MapAsyncCallsApi();
return await app.RunFnSharpAsync();

/// <summary>The server's entry point; public so that functional tests can host it.</summary>
public partial class Program;
