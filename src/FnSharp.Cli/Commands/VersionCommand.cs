using FnSharp.Core.Secrets;
using System.Text.Json.Serialization;

namespace FnSharp.Cli.Commands;

/// <summary><c>version</c>: the CLI's version and the server's, as Fn's <c>fn version</c> prints them.</summary>
internal static class VersionCommand
{
    /// <summary>This tool's version: <c>MAJOR.MINOR.PATCH</c>.</summary>
    public static string ClientVersion => typeof(VersionCommand).Assembly.GetName().Version?.ToString(3) ?? "?";

    public static Command Create(CommandRunner runner)
    {
        var command = new Command("version", "Print the CLI's version and the server's.\n\nExamples:\n  fnsharp version\n  fnsharp version --output json");
        runner.SetAction(command, async (_, context, cancellationToken) =>
        {
            if (!context.Json)
            {
                await context.Output.WriteLineAsync($"Client version: {ClientVersion}");
            }

            using var http = new HttpClient { BaseAddress = new Uri(context.ApiUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(10) };
            var body = await http.GetStringAsync(new Uri("version", UriKind.Relative), cancellationToken);
            string server;
            try
            {
                using var document = JsonDocument.Parse(body);
                server = document.RootElement.GetProperty("version").GetString() ?? throw new InvalidOperationException();
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new CliException($"{CredentialMask.Hide(context.ApiUrl)} answered /version with something that is not an Fn server's version");
            }

            await (context.Json ? context.WriteJsonAsync(new Versions(ClientVersion, server)) : context.Output.WriteLineAsync($"Server version: {server}"));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The versions as <c>version --output json</c> prints them.</summary>
    private sealed record Versions(
        [property: JsonPropertyName("client")] string Client,
        [property: JsonPropertyName("server")] string Server);
}
