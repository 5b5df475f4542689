using System.CommandLine;
using FnSharp.Client;

namespace FnSharp.Cli;

/// <summary>
/// The <c>fnsharp</c> command. This first cut has <c>version</c>; the CLI issue adds the resource
/// commands (<c>create</c>, <c>list</c>, <c>invoke</c>, <c>deploy</c>, ...).
/// </summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var apiUrl = new Option<string>("--api-url")
        {
            Description = "The FnSharp server (default: $FN_API_URL, else http://localhost:8080).",
            Recursive = true,
        };
        var root = new RootCommand("fnsharp: manage and invoke FnSharp functions.\n\nExample:\n  fnsharp version --api-url http://localhost:8080");
        root.Options.Add(apiUrl);

        var version = new Command("version", "Print the CLI's version and the server's.\n\nExample:\n  fnsharp version");
        version.SetAction(async (parse, cancellationToken) =>
        {
            await output.WriteLineAsync($"Client version: {typeof(CliApp).Assembly.GetName().Version?.ToString(3)}");
            var url = parse.GetValue(apiUrl) ?? Environment.GetEnvironmentVariable("FN_API_URL") ?? "http://localhost:8080";
            try
            {
                using var http = new HttpClient { BaseAddress = new Uri(url.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(10) };
                var body = await http.GetStringAsync(new Uri("version", UriKind.Relative), cancellationToken);
                await output.WriteLineAsync($"Server version: {System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("version").GetString()}");
                return 0;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or UriFormatException or System.Text.Json.JsonException or KeyNotFoundException or FnApiException)
            {
                await error.WriteLineAsync($"Error: cannot reach the FnSharp server at {url}: {e.Message}");
                return 1;
            }
        });
        root.Subcommands.Add(version);

        var parsed = root.Parse(args);
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }
}
