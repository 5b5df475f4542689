namespace FnSharp.Cli;

/// <summary>
/// The user's config file, <c>~/.fnsharp/config.json</c> (<see cref="CliIo.ConfigFile"/>), which plays the
/// part of Fn's current context: <c>{"api_url": "http://host:8080", "token": "...", "registry": "host:5000/team",
/// "insecure_registries": ["host:5000"]}</c>. Every key is optional; a missing file is an empty one.
/// </summary>
internal sealed record CliConfigFile
{
    /// <summary>The server's URL when neither <c>--api-url</c> nor <c>FN_API_URL</c> names one.</summary>
    public string? ApiUrl { get; init; }

    /// <summary>The API key when neither <c>--token</c> nor <c>FN_TOKEN</c> gives one.</summary>
    public string? Token { get; init; }

    /// <summary>The image name prefix <c>HOST[:PORT]/NAMESPACE</c> when neither <c>--registry</c> nor <c>FN_REGISTRY</c> gives one (Fn's context <c>registry</c>).</summary>
    public string? Registry { get; init; }

    /// <summary>Registries (<c>HOST[:PORT]</c>) that <c>deploy</c> may push to over plain HTTP, as Docker's daemon setting <c>insecure-registries</c>.</summary>
    public IReadOnlyList<string> InsecureRegistries { get; init; } = [];

    /// <summary>Reads the file at <paramref name="path"/>; a missing file (or <see langword="null"/>) gives an empty config.</summary>
    /// <exception cref="CliException">The file is not valid JSON, or a key has the wrong type.</exception>
    public static CliConfigFile Read(string? path)
    {
        if (path is null || !File.Exists(path))
        {
            return new CliConfigFile();
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(path, "it is not a JSON object");
            }

            return new CliConfigFile
            {
                ApiUrl = Text(root, "api_url", path),
                Token = Text(root, "token", path),
                Registry = Text(root, "registry", path),
                InsecureRegistries = Texts(root, "insecure_registries", path),
            };
        }
        catch (JsonException e)
        {
            throw Invalid(path, $"it is not valid JSON ({e.Message})");
        }
    }

    private static string? Text(JsonElement root, string key, string path) =>
        !root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw Invalid(path, $"\"{key}\" must be a string");

    private static string[] Texts(JsonElement root, string key, string path) =>
        !root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null ? []
        : value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String) ? [.. value.EnumerateArray().Select(v => v.GetString()!)]
        : throw Invalid(path, $"\"{key}\" must be a list of strings, such as [\"127.0.0.1:5000\"]");

    private static CliException Invalid(string path, string why) =>
        new($"{path} is not a valid fnsharp config file: {why}; it should look like {{\"api_url\": \"{CliContext.DefaultApiUrl}\", \"registry\": \"registry.example:5000/team\"}}");
}
