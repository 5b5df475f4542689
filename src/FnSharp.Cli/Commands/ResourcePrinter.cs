using System.Text.Json.Nodes;
using FnSharp.Client;

namespace FnSharp.Cli.Commands;

/// <summary>
/// Prints apps, fns, triggers, config entries and calls: tables for people, and with <c>--output json</c>
/// one shape per kind: a list is <c>{"items": [...]}</c> (with <c>next_cursor</c> when there are more
/// pages), a single resource its object as the API gives it (less an empty <c>shape</c>).
/// </summary>
internal static class ResourcePrinter
{
    public static Task AppsAsync(CliContext context, IReadOnlyList<App> apps) =>
        ListAsync(context, apps, null, ["NAME", "ID"], a => [a.Name, a.Id]);

    public static Task FnsAsync(CliContext context, IReadOnlyList<Fn> fns) =>
        ListAsync(context, fns, null, ["NAME", "IMAGE", "MEMORY", "TIMEOUT", "ID"], f =>
            [f.Name, f.Image, f.Memory.ToString(CultureInfo.InvariantCulture) + " MiB", f.Timeout.ToString(CultureInfo.InvariantCulture) + " s", f.Id]);

    public static Task TriggersAsync(CliContext context, IReadOnlyList<Trigger> triggers, IReadOnlyDictionary<string, string> fnNames) =>
        ListAsync(context, triggers, null, ["FUNCTION", "NAME", "TYPE", "SOURCE", "ENDPOINT", "NEXT RUN", "ID"], t =>
            [fnNames.GetValueOrDefault(t.FnId, t.FnId), t.Name, t.Type, t.Source, Endpoint(t) ?? "", NextRunCell(t), t.Id]);

    /// <summary>Config entries, by key: a KEY VALUE table, or <c>{"items": [{"key": ..., "value": ...}]}</c>.</summary>
    public static Task ConfigAsync(CliContext context, IReadOnlyDictionary<string, string> config) =>
        ListAsync(context, [.. config.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => new ConfigEntry(e.Key, e.Value))], null, ["KEY", "VALUE"], e => [e.Key, e.Value ?? ""]);

    /// <summary>
    /// A page of calls: a table, or the API's page (<c>items</c>, and <c>next_cursor</c> when there is one).
    /// The error comes last, since it is the one cell of any length.
    /// </summary>
    public static Task CallsAsync(CliContext context, ListPage<Call> page) =>
        ListAsync(context, page.Items, page.NextCursor, ["ID", "TYPE", "STATUS", "CODE", "CREATED", "COMPLETED", "ATTEMPTS", "DEAD_LETTER", "ERROR"], c =>
            [c.Id, c.Type, c.Status, c.StatusCode?.ToString(CultureInfo.InvariantCulture) ?? "", Time(c.CreatedAt), c.CompletedAt is { } done ? Time(done) : "", c.Attempts.ToString(CultureInfo.InvariantCulture), c.DeadLetter ? "yes" : "no", c.Error ?? ""]);

    /// <summary>
    /// One resource: a FIELD VALUE table (the entries of <c>config</c> and <c>annotations</c> as
    /// <c>config.KEY</c> rows, the names <c>inspect ... FIELD</c> takes), or its JSON object.
    /// </summary>
    public static async Task OneAsync<T>(CliContext context, T resource)
    {
        var node = JsonOutput.Resource(resource);
        if (context.Json)
        {
            await context.Output.WriteLineAsync(node.ToJsonString(JsonOutput.Options));
            return;
        }

        await TableWriter.WriteAsync(context.Output, ["FIELD", "VALUE"], Rows(node));
    }

    /// <summary>
    /// A resource that a command made or changed: <paramref name="message"/> for people, the resource
    /// itself with <c>--output json</c>.
    /// </summary>
    public static Task DoneAsync<T>(CliContext context, string message, T resource) =>
        context.Json ? context.Output.WriteLineAsync(JsonOutput.Resource(resource).ToJsonString(JsonOutput.Options)) : context.Output.WriteLineAsync(message);

    /// <summary>The trigger's HTTP endpoint (the annotation the server computes), when it has one.</summary>
    public static string? Endpoint(Trigger trigger) =>
        trigger.Annotations.TryGetValue("fnproject.io/trigger/httpEndpoint", out var url) && url.ValueKind == JsonValueKind.String ? url.GetString() : null;

    /// <summary>A cron trigger's next run times (the annotation the server computes), none for other triggers or a paused one.</summary>
    public static IReadOnlyList<string> NextRuns(Trigger trigger) =>
        trigger.Annotations.TryGetValue("fnsharp.io/cron-next-runs", out var runs) && runs.ValueKind == JsonValueKind.Array
            ? [.. runs.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()!)]
            : [];

    /// <summary>
    /// The line that follows a cron trigger's creation or deploy: its next run times, or, for a paused trigger
    /// (whose next runs are empty), that it runs only once resumed.
    /// </summary>
    public static string NextRunsLine(Trigger trigger) =>
        FnSharpAnnotations.PausedOf(trigger.Annotations) is true
            ? "Paused: no runs until it is resumed ('fnsharp resume trigger', or the annotation fnsharp.io/cron-paused: \"false\")"
            : $"Next runs (UTC): {string.Join(", ", NextRuns(trigger))}";

    private static string NextRunCell(Trigger trigger) =>
        trigger.Type != Trigger.CronType ? ""
        : FnSharpAnnotations.PausedOf(trigger.Annotations) is true ? "paused"
        : NextRuns(trigger) is [var next, ..] ? next : "";

    /// <summary>A list: a table of <paramref name="header"/> and one row per item, or <c>{"items": [...]}</c>.</summary>
    public static Task ListAsync<T>(CliContext context, IReadOnlyList<T> items, string? nextCursor, IReadOnlyList<string> header, Func<T, IReadOnlyList<string>> row)
    {
        if (!context.Json)
        {
            return TableWriter.WriteAsync(context.Output, header, items.Select(row));
        }

        var list = new JsonObject { ["items"] = new JsonArray([.. items.Select(i => (JsonNode)JsonOutput.Resource(i))]) };
        if (nextCursor is not null)
        {
            list["next_cursor"] = nextCursor;
        }

        return context.Output.WriteLineAsync(list.ToJsonString(JsonOutput.Options));
    }

    /// <summary>FIELD VALUE rows of a JSON object: an object's entries as <c>field.key</c> rows (an empty one as <c>{}</c>).</summary>
    public static IEnumerable<IReadOnlyList<string>> Rows(JsonObject node)
    {
        foreach (var (name, value) in node)
        {
            if (value is JsonObject inner && inner.Count > 0)
            {
                foreach (var (key, entry) in inner)
                {
                    yield return [$"{name}.{key}", Text(entry)];
                }
            }
            else
            {
                yield return [name, Text(value)];
            }
        }
    }

    /// <summary>A JSON value as a cell: a string as it is, anything else as compact JSON, null as empty.</summary>
    public static string Text(JsonNode? value) =>
        value is null ? ""
        : value is JsonValue scalar && scalar.GetValueKind() == JsonValueKind.String ? scalar.GetValue<string>()
        : value.ToJsonString(JsonOutput.Compact);

    private static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
