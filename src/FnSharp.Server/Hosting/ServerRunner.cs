namespace FnSharp.Server.Hosting;

/// <summary>Runs the server, refusing bad settings with a plain message and exit code 2.</summary>
public static class ServerRunner
{
    /// <summary>Runs the server until shutdown; a bad <c>FN_*</c> setting stops it before it listens.</summary>
    /// <returns>0 after a normal shutdown; 2 when a setting is bad, the port is taken or the store cannot be opened, after printing each problem to stderr.</returns>
    public static async Task<int> RunFnSharpAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            // Every options type is checked here, before the host builds its hosted services: building the
            // runner's Docker driver reads the driver's options, which would report their failures alone.
            app.Services.GetService<IStartupValidator>()?.Validate();
        }
        catch (Exception e) when (Failures(e) is { Count: > 0 } failures)
        {
            foreach (var failure in failures)
            {
                await Console.Error.WriteLineAsync($"fnsharp-server: cannot start: {failure}");
            }

            await app.DisposeAsync();
            return 2;
        }

        // Read before the run: a failed start disposes the services.
        var storeUrl = app.Services.GetRequiredService<IOptions<ServerOptions>>().Value.RedactedDbUrl;
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (Exception e) when (Failures(e) is { Count: > 0 } failures)
        {
            // A check that needs the open store (auth's refusal to serve a public address without a key).
            foreach (var failure in failures)
            {
                await Console.Error.WriteLineAsync($"fnsharp-server: cannot start: {failure}");
            }
        }
        catch (System.Data.Common.DbException e)
        {
            // The store refused or did not answer as it was opened (PostgreSQL not up yet, a wrong password, an
            // unwritable SQLite file): one line naming it, its password as ***, not an abort with a stack trace.
            await Console.Error.WriteLineAsync($"fnsharp-server: cannot start: the store {storeUrl} (FN_DB_URL) could not be opened: {e.Message.TrimEnd('.')}.");
        }
        catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            await Console.Error.WriteLineAsync($"fnsharp-server: cannot start: {e.Message.TrimEnd('.')}; stop what uses the port or set FN_PORT to a free one.");
        }

        return 2;
    }

    /// <summary>The messages of a failed start-up validation: one options type's, or several types' at once.</summary>
    private static List<string> Failures(Exception e) => e switch
    {
        OptionsValidationException options => [.. options.Failures],
        AggregateException many when many.InnerExceptions.All(inner => inner is OptionsValidationException) =>
            [.. many.InnerExceptions.SelectMany(inner => ((OptionsValidationException)inner).Failures)],
        _ => [],
    };
}
