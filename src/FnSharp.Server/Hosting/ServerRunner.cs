using Microsoft.Extensions.Options;

namespace FnSharp.Server.Hosting;

/// <summary>Runs the server, refusing bad settings with a plain message instead of a stack trace.</summary>
public static class ServerRunner
{
    /// <summary>
    /// Checks every setting validated at start (the <c>FN_*</c> options) before the host starts, then
    /// runs until shutdown.
    /// </summary>
    /// <returns>0 after a normal shutdown; 2 when a setting is bad, after printing each problem to stderr.</returns>
    public static async Task<int> RunFnSharpAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            app.Services.GetRequiredService<IStartupValidator>().Validate();
        }
        catch (OptionsValidationException e)
        {
            foreach (var failure in e.Failures)
            {
                await Console.Error.WriteLineAsync($"fnsharp-server: cannot start: {failure}");
            }

            return 2;
        }
        catch (InvalidOperationException e) when (e.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase))
        {
            // A value of the wrong type, for example FN_PORT=abc: the binder names the key.
            await Console.Error.WriteLineAsync($"fnsharp-server: cannot start: {e.Message}");
            return 2;
        }

        await app.RunAsync();
        return 0;
    }
}
