using System.CommandLine;
using FnSharp.Client;

namespace FnSharp.Cli.Commands;

/// <summary>
/// Runs a command's body with a <see cref="CliContext"/>, turning every expected failure into
/// <c>Error: ...</c> on stderr and exit code 1: the server's own message for API errors, a clear
/// line when the server cannot be reached, the system's message for a file that cannot be read or
/// written. Docker engine failures arrive as <see cref="CliException"/>s from <c>Images/</c>.
/// </summary>
internal sealed class CommandRunner(CliOptions options, TextWriter output, TextWriter error, Func<string, string?> environment)
{
    public CliOptions Options => options;

    public void SetAction(Command command, Func<ParseResult, CliContext, CancellationToken, Task<int>> body)
    {
        command.SetAction(async (parse, cancellationToken) =>
        {
            string? url = null;
            try
            {
                url = CliContext.ResolveApiUrl(parse.GetValue(options.ApiUrl), environment("FN_API_URL"), CliContext.ConfigFilePath);
                var token = CliContext.ResolveToken(parse.GetValue(options.Token), environment("FN_TOKEN"), CliContext.ConfigFilePath);
                using var context = new CliContext(url, output, error, parse.GetValue(options.Output), parse.GetValue(options.Verbose), environment, token);
                return await body(parse, context, cancellationToken);
            }
            catch (CliException e)
            {
                await error.WriteLineAsync($"Error: {e.Message}");
            }
            catch (FnApiException e)
            {
                await error.WriteLineAsync($"Error: {e.Message} ({(int)e.StatusCode})");
            }
            catch (HttpRequestException e)
            {
                await error.WriteLineAsync($"Error: cannot reach the FnSharp server at {url}: {e.Message}. Is it running? (scripts/quickstart.sh starts one)");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"Error: {e.Message}");
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await error.WriteLineAsync($"Error: the FnSharp server at {url} did not answer in time");
            }

            return 1;
        });
    }
}
