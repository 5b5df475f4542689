using FnSharp.Core.Secrets;
using FnSharp.Client;

namespace FnSharp.Cli.Commands;

/// <summary>
/// Runs a command's body with a <see cref="CliContext"/>, turning every expected failure into
/// <c>Error: ...</c> on stderr, the next commands to run when there are any, and an exit code
/// (<see cref="ExitCodes"/>): the server's own message and status for API errors, a clear line when the
/// server cannot be reached, the system's message for a file that cannot be read or written, and for a
/// mistake in the command line the pointer to the command's <c>--help</c>. Docker engine failures arrive
/// as <see cref="CliException"/>s from <c>Images/</c>.
/// </summary>
internal sealed class CommandRunner(CliOptions options, CliIo io)
{
    public CliOptions Options => options;

    public CliIo Io => io;

    public void SetAction(Command command, Func<ParseResult, CliContext, CancellationToken, Task<int>> body)
    {
        command.SetAction(async (parse, cancellationToken) =>
        {
            string? url = null;
            try
            {
                var given = parse.GetValue(options.ApiUrl);
                url = CliContext.ResolveApiUrl(given, io.Environment("FN_API_URL"), io.ConfigFile);
                var token = CliContext.ResolveToken(parse.GetValue(options.Token), io.Environment("FN_TOKEN"), io.ConfigFile);
                using var context = new CliContext(url, given, parse.GetValue(options.Output), io, token);
                return await body(parse, context, cancellationToken);
            }
            catch (CliException e)
            {
                var next = e.ExitCode == ExitCodes.Usage ? [.. e.Next, HelpPointer(parse)] : e.Next;
                await WriteErrorAsync(io.Error, e.Message, next);
                return e.ExitCode;
            }
            catch (FnApiException e)
            {
                await WriteErrorAsync(io.Error, string.Create(CultureInfo.InvariantCulture, $"{e.Message} ({(int)e.StatusCode})"), []);
            }
            catch (HttpRequestException e)
            {
                await WriteErrorAsync(
                    io.Error,
                    $"cannot reach the FnSharp server at {CredentialMask.Hide(url ?? "")}: {CredentialMask.Hide(e.Message)}",
                    ["Is it running? scripts/quickstart.sh starts one; --api-url or FN_API_URL names another."]);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await WriteErrorAsync(io.Error, e.Message, []);
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await WriteErrorAsync(io.Error, $"the FnSharp server at {CredentialMask.Hide(url ?? "")} did not answer in time", []);
            }

            return ExitCodes.Failed;
        });
    }

    /// <summary>Writes <c>Error: message</c> and then each line of <paramref name="next"/>.</summary>
    public static async Task WriteErrorAsync(TextWriter error, string message, IEnumerable<string> next)
    {
        await error.WriteLineAsync("Error: " + message);
        foreach (var line in next)
        {
            await error.WriteLineAsync(line);
        }
    }

    /// <summary><c>See 'fnsharp deploy --help'.</c> for the command that was parsed.</summary>
    public static string HelpPointer(ParseResult parse) => $"See '{CommandPath(parse)} --help'.";

    /// <summary>The words that name the parsed command, <c>fnsharp create fn</c>, as the user typed them.</summary>
    public static string CommandPath(ParseResult parse)
    {
        var words = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            words.Add(result.Parent is null ? "fnsharp" : result.IdentifierToken.Value);
        }

        words.Reverse();
        return string.Join(' ', words);
    }
}
