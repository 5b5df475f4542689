using System.CommandLine;
using System.Text.Json;

namespace FnSharp.Cli.Commands;

/// <summary><c>version</c>: the CLI's version and the server's.</summary>
internal static class VersionCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("version", "Print the CLI's version and the server's.\n\nExample:\n  fnsharp version");
        runner.SetAction(command, async (_, context, cancellationToken) =>
        {
            await context.Output.WriteLineAsync($"Client version: {typeof(VersionCommand).Assembly.GetName().Version?.ToString(3)}");
            using var http = new HttpClient { BaseAddress = new Uri(context.ApiUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(10) };
            var body = await http.GetStringAsync(new Uri("version", UriKind.Relative), cancellationToken);
            try
            {
                using var document = JsonDocument.Parse(body);
                await context.Output.WriteLineAsync($"Server version: {document.RootElement.GetProperty("version").GetString()}");
                return 0;
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new CliException($"{context.ApiUrl} answered /version with something that is not an Fn server's version");
            }
        });
        return command;
    }
}
