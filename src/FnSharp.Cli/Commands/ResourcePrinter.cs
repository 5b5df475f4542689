using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using FnSharp.Cli.Output;
using FnSharp.Client;
using FnSharp.Core.Models;

namespace FnSharp.Cli.Commands;

/// <summary>Prints apps, fns, triggers, config and calls as tables or as the API's JSON.</summary>
internal static class ResourcePrinter
{
    // Terminal output, not HTML: characters such as ' < > & and non-ASCII letters are printed as they are, not as \uXXXX.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Task AppsAsync(CliContext context, IReadOnlyList<App> apps) =>
        context.Format == OutputFormat.Json
            ? JsonAsync(context, apps)
            : TableWriter.WriteAsync(context.Output, ["NAME", "ID"], apps.Select(a => (IReadOnlyList<string>)[a.Name, a.Id]));

    public static Task FnsAsync(CliContext context, IReadOnlyList<Fn> fns) =>
        context.Format == OutputFormat.Json
            ? JsonAsync(context, fns)
            : TableWriter.WriteAsync(context.Output, ["NAME", "IMAGE", "MEMORY", "TIMEOUT", "ID"], fns.Select(f => (IReadOnlyList<string>)
                [f.Name, f.Image, f.Memory.ToString(CultureInfo.InvariantCulture) + " MiB", f.Timeout.ToString(CultureInfo.InvariantCulture) + " s", f.Id]));

    public static Task TriggersAsync(CliContext context, IReadOnlyList<Trigger> triggers, IReadOnlyDictionary<string, string> fnNames) =>
        context.Format == OutputFormat.Json
            ? JsonAsync(context, triggers)
            : TableWriter.WriteAsync(context.Output, ["FUNCTION", "NAME", "TYPE", "SOURCE", "ENDPOINT", "ID"], triggers.Select(t => (IReadOnlyList<string>)
                [fnNames.GetValueOrDefault(t.FnId, t.FnId), t.Name, t.Type, t.Source, Endpoint(t), t.Id]));

    /// <summary>Config entries: a KEY VALUE table, or a JSON object.</summary>
    public static Task ConfigAsync(CliContext context, IReadOnlyDictionary<string, string> config) =>
        context.Format == OutputFormat.Json
            ? JsonAsync(context, config)
            : TableWriter.WriteAsync(context.Output, ["KEY", "VALUE"], config.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => (IReadOnlyList<string>)[e.Key, e.Value]));

    /// <summary>
    /// A page of calls: a table, or the API's page (<c>items</c>, and <c>next_cursor</c> when there is one)
    /// as JSON. The error comes last, since it is the one cell of any length.
    /// </summary>
    public static Task CallsAsync(CliContext context, ListPage<Call> page) =>
        context.Format == OutputFormat.Json
            ? JsonAsync(context, page)
            : TableWriter.WriteAsync(context.Output, ["ID", "TYPE", "STATUS", "CODE", "CREATED", "COMPLETED", "ATTEMPTS", "DEAD_LETTER", "ERROR"], page.Items.Select(c => (IReadOnlyList<string>)
                [c.Id, c.Type, c.Status, c.StatusCode?.ToString(CultureInfo.InvariantCulture) ?? "", Time(c.CreatedAt), c.CompletedAt is { } done ? Time(done) : "", c.Attempts.ToString(CultureInfo.InvariantCulture), c.DeadLetter ? "yes" : "no", c.Error ?? ""]));

    /// <summary>One call: its fields as a FIELD VALUE table, or as JSON.</summary>
    public static async Task CallAsync(CliContext context, Call call)
    {
        if (context.Format == OutputFormat.Json)
        {
            await JsonAsync(context, call);
            return;
        }

        using var document = JsonDocument.Parse(JsonSerializer.Serialize(call, Compact));
        await TableWriter.WriteAsync(context.Output, ["FIELD", "VALUE"], document.RootElement.EnumerateObject().Select(p => (IReadOnlyList<string>)
            [p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText()]));
    }

    /// <summary>One resource: always JSON, as Fn's <c>inspect</c> prints it.</summary>
    public static Task OneAsync<T>(CliContext context, T resource) => JsonAsync(context, resource);

    private static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Endpoint(Trigger trigger) =>
        trigger.Annotations.TryGetValue("fnproject.io/trigger/httpEndpoint", out var url) && url.ValueKind == JsonValueKind.String ? url.GetString()! : "";

    private static Task JsonAsync<T>(CliContext context, T value) =>
        context.Output.WriteLineAsync(JsonSerializer.Serialize(value, Indented));
}
