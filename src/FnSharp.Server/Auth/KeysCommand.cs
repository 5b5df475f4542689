using System.Globalization;

namespace FnSharp.Server.Auth;

/// <summary>
/// <c>fnsharp-server keys create|list|revoke</c>: manages API keys on the server's own store (<c>FN_DB_URL</c>,
/// read as the server reads it) without a running server or a key, for the first admin key and to recover a
/// lost one. <c>create</c> prints the token once.
/// </summary>
public static class KeysCommand
{
    private const string Usage = """
        Usage:
          fnsharp-server keys create --scope SCOPE [--scope SCOPE ...] [--name NAME]
              SCOPE: admin, deploy:APP or invoke:APP (APP an app's id or name). Prints the token once.
          fnsharp-server keys list
          fnsharp-server keys revoke KEY_ID
        The store is the server's: FN_DB_URL (default sqlite3://./data/fnsharp.db).
        """;

    /// <summary>Whether <paramref name="args"/> ask for this command rather than the server.</summary>
    public static bool IsKeysCommand(string[] args) => args is ["keys", ..];

    /// <summary>Runs the command on the store of <paramref name="app"/>'s settings.</summary>
    /// <returns>0 on success; 2 for bad usage or a failure, after a line on stderr.</returns>
    public static async Task<int> RunAsync(WebApplication app, string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            var holder = app.Services.GetRequiredService<StoreHolder>();
            switch (args)
            {
                case ["keys", "create", .. var rest]:
                    var request = ParseCreate(rest);
                    await holder.OpenAsync(CancellationToken.None);
                    var key = await app.Services.GetRequiredService<KeyService>().CreateAsync(request, null, CancellationToken.None);
                    await output.WriteLineAsync($"Created key {key.Id} ({key.Name}) with scopes {string.Join(", ", key.Scopes)}.");
                    await output.WriteLineAsync("Its token, shown only now (send it as 'Authorization: Bearer <token>', or FN_TOKEN for the CLIs):");
                    await output.WriteLineAsync(key.Token);
                    return 0;
                case ["keys", "list"]:
                    await holder.OpenAsync(CancellationToken.None);
                    await ListAsync(app.Services.GetRequiredService<AuthStore>(), output);
                    return 0;
                case ["keys", "revoke", var id]:
                    await holder.OpenAsync(CancellationToken.None);
                    if (await app.Services.GetRequiredService<KeyService>().RevokeAsync(id, CancellationToken.None) is null)
                    {
                        await error.WriteLineAsync($"fnsharp-server: keys revoke: no key has the id {id}");
                        return 2;
                    }

                    await output.WriteLineAsync($"Revoked key {id}; it stops working at once on every server using this store.");
                    return 0;
                default:
                    await error.WriteLineAsync(Usage);
                    return 2;
            }
        }
        catch (ApiException e)
        {
            await error.WriteLineAsync($"fnsharp-server: keys: {e.Error.Message}");
            return 2;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or System.Data.Common.DbException or IOException)
        {
            await error.WriteLineAsync($"fnsharp-server: keys: cannot use the store: {e.Message}");
            return 2;
        }
    }

    private static KeyRequest ParseCreate(string[] rest)
    {
        var scopes = new List<string>();
        var name = "created by fnsharp-server keys create";
        for (var i = 0; i < rest.Length; i++)
        {
            var value = i + 1 < rest.Length ? rest[i + 1] : throw new ApiException(new ApiError(400, $"{rest[i]} needs a value"));
            switch (rest[i])
            {
                case "--scope":
                    scopes.Add(value);
                    break;
                case "--name":
                    name = value;
                    break;
                default:
                    throw new ApiException(new ApiError(400, $"unknown option {rest[i]}; use --scope and --name"));
            }

            i++;
        }

        return scopes.Count == 0
            ? throw new ApiException(new ApiError(400, "create needs at least one --scope, for example --scope admin"))
            : new KeyRequest { Name = name, Scopes = scopes };
    }

    private static async Task ListAsync(AuthStore store, TextWriter output)
    {
        await output.WriteLineAsync("ID                          NAME                           SCOPES                         CREATED                   REVOKED");
        string? after = null;
        while (true)
        {
            var page = await store.Keys.GetKeysAsync(after, 100, CancellationToken.None);
            foreach (var key in page.Items)
            {
                await output.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{key.Id,-27} {Cut(key.Name),-30} {Cut(string.Join(' ', key.Scopes)),-30} {key.CreatedAt:yyyy-MM-ddTHH:mm:ssZ}      {(key.RevokedAt is { } at ? at.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) : "-")}"));
            }

            if (!page.Full)
            {
                return;
            }

            after = page.Items[^1].Id;
        }
    }

    private static string Cut(string text) => text.Length <= 30 ? text : text[..29] + "…";
}
