using System.Globalization;
using System.Text.Json;
using FnSharp.Cli.Output;
using FnSharp.Core.Models;

namespace FnSharp.Cli.Commands;

/// <summary>Prints apps and fns as tables or as the API's JSON.</summary>
internal static class ResourcePrinter
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Task AppsAsync(CliContext context, IReadOnlyList<App> apps) =>
        context.Format == OutputFormat.Json
            ? JsonAsync(context, apps)
            : TableWriter.WriteAsync(context.Output, ["NAME", "ID"], apps.Select(a => (IReadOnlyList<string>)[a.Name, a.Id]));

    public static Task FnsAsync(CliContext context, IReadOnlyList<Fn> fns) =>
        context.Format == OutputFormat.Json
            ? JsonAsync(context, fns)
            : TableWriter.WriteAsync(context.Output, ["NAME", "IMAGE", "MEMORY", "TIMEOUT", "ID"], fns.Select(f => (IReadOnlyList<string>)
                [f.Name, f.Image, f.Memory.ToString(CultureInfo.InvariantCulture) + " MiB", f.Timeout.ToString(CultureInfo.InvariantCulture) + " s", f.Id]));

    /// <summary>One resource: always JSON, as Fn's <c>inspect</c> prints it.</summary>
    public static Task OneAsync<T>(CliContext context, T resource) => JsonAsync(context, resource);

    private static Task JsonAsync<T>(CliContext context, T value) =>
        context.Output.WriteLineAsync(JsonSerializer.Serialize(value, Indented));
}
