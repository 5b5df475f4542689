namespace FnSharp.Cli.Images;

/// <summary>
/// The images the repository's <c>scripts/build-images.sh</c> builds, each with the target that builds it
/// (the list its <c>--help</c> prints; a test keeps the two equal). A missing base image among them is
/// named with its target; any other is not the script's to build.
/// </summary>
internal static class BuildImagesScript
{
    /// <summary>The script, from the repository's root.</summary>
    public const string Path = "scripts/build-images.sh";

    /// <summary>Each image the script builds (<c>repository:tag</c>) and its target.</summary>
    public static readonly IReadOnlyDictionary<string, string> Targets = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["fnsharp/aot-runtime:latest"] = "aot-runtime",
        ["fnsharp/hello-csharp:latest"] = "hello-csharp",
        ["fnsharp/debian:bookworm"] = "debian",
        ["fnsharp/node-runtime:latest"] = "node-runtime",
        ["fnsharp/hello-node:latest"] = "hello-node",
        ["fnsharp/testfn:latest"] = "testfn",
        ["fnsharp/testfn-volume:latest"] = "testfn-volume",
    };

    /// <summary>
    /// Why <paramref name="image"/> cannot be a base and how to get it: the script's target when the script
    /// builds it; otherwise the script's image it looks like a typo of, if any, and the Docker commands that
    /// put an image on an engine.
    /// </summary>
    /// <param name="image">The image as the Dockerfile (or <c>run_image</c>) names it.</param>
    /// <param name="endpoint">The engine's address.</param>
    /// <param name="origin">Where the name comes from, for example <c>run_image in func.yaml</c>; <see langword="null"/> for the Dockerfile's <c>FROM</c>.</param>
    public static string MissingBaseImage(string image, string endpoint, string? origin)
    {
        var missing = $"the base image {image}{(origin is null ? "" : $" ({origin})")} is not on the Docker engine at {endpoint}";
        var reference = WithTag(image);
        if (Targets.TryGetValue(reference, out var target))
        {
            return $"{missing}: build it with {Path} {target} in the FnSharp repository (fnsharp build pulls nothing)";
        }

        var meant = Spelling.Suggest(reference, Targets.Keys) is { } near ? $"did you mean {near}, which {Path} {Targets[near]} builds? Otherwise " : "";
        return $"{missing}: {meant}put it on that engine with docker pull {image}, docker build -t {image} DIR or docker load -i FILE (fnsharp build pulls nothing)";
    }

    /// <summary>The name with the tag Docker gives a name without one, <c>latest</c>.</summary>
    private static string WithTag(string image) =>
        image.Contains('@', StringComparison.Ordinal) || image.LastIndexOf(':') > image.LastIndexOf('/') ? image : image + ":latest";
}
