namespace FnSharp.Cli.Functions;

/// <summary>
/// The fields a func.yaml may hold: the ones FnSharp reads, and the other fields of Fn's schema
/// 20180708 (Fn CLI <c>common/funcfile.go</c>, <c>FuncFileV20180708</c> and <c>Trigger</c>), which are
/// accepted with a warning that they are ignored. Any other field is an error, so a typo is not silently
/// dropped.
/// </summary>
internal static class FuncFileSchema
{
    /// <summary>The top-level fields FnSharp reads, in the order of a scaffolded func.yaml.</summary>
    public static readonly IReadOnlyList<string> Fields =
        ["schema_version", "name", "version", "runtime", "run_image", "memory", "timeout", "idle_timeout", "config", "annotations", "triggers"];

    /// <summary>Fn's other top-level fields, each with why FnSharp ignores it.</summary>
    public static readonly IReadOnlyDictionary<string, string> IgnoredFields = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["build_image"] = "the build runs on this machine (runtime csharp: dotnet publish; node: npm ci) and in the Dockerfile, not in a build image",
        ["cmd"] = "the Dockerfile's CMD and ENTRYPOINT decide what runs",
        ["entrypoint"] = "the Dockerfile's CMD and ENTRYPOINT decide what runs",
        ["content_type"] = "calls carry their own Content-Type",
        ["format"] = "FnSharp speaks http-stream, the format of Fn's current FDKs",
        ["type"] = "for detached calls, give a trigger the annotation fnsharp.io/invoke-type: detached, or invoke with --detached",
        ["build"] = "put build steps in the Dockerfile",
        ["expects"] = "expected config keys are not checked",
        ["signing_details"] = "images are not signed (nothing is pushed)",
    };

    /// <summary>The fields of a trigger: Fn's three, and <c>annotations</c>, FnSharp's own (for <c>fnsharp.io/invoke-type</c>).</summary>
    public static readonly IReadOnlyList<string> TriggerFields = ["name", "type", "source", "annotations"];
}
