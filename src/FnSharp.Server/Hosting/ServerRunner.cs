using Microsoft.Extensions.Options;

namespace FnSharp.Server.Hosting;

/// <summary>Runs the server, refusing bad settings with a plain message and exit code 2.</summary>
public static class ServerRunner
{
    /// <summary>The environment name of a server embedded in a test host, which gets start-up failures as exceptions.</summary>
    public const string EmbeddedEnvironment = "Testing";

    /// <summary>Runs the server until shutdown; a bad <c>FN_*</c> setting stops it before it listens.</summary>
    /// <returns>0 after a normal shutdown; 2 when a setting is bad, after printing each problem to stderr.</returns>
    public static async Task<int> RunFnSharpAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (OptionsValidationException) when (app.Environment.IsEnvironment(EmbeddedEnvironment))
        {
            // A host that embeds the server (the functional tests) wants the exception itself.
            throw;
        }
        catch (OptionsValidationException e)
        {
            foreach (var failure in e.Failures)
            {
                await Console.Error.WriteLineAsync($"fnsharp-server: cannot start: {failure}");
            }
        }
        catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            await Console.Error.WriteLineAsync($"fnsharp-server: cannot start: {e.Message.TrimEnd('.')}; stop what uses the port or set FN_PORT to a free one.");
        }

        return 2;
    }
}
