using System.IO.Enumeration;

namespace FnSharp.Server.Auth;

/// <summary>
/// <c>FN_ALLOWED_IMAGES</c>: the glob patterns a fn's image must match at create and update (<c>*</c> any run
/// of characters, slashes included; <c>?</c> one character). An image matches when a pattern matches it as
/// written or in Docker's full form (<c>hello</c> is <c>docker.io/library/hello:latest</c>). No patterns
/// allow any image.
/// </summary>
internal sealed class ImagePolicy(IOptions<AuthOptions> options)
{
    /// <summary>Refuses <paramref name="image"/> unless a pattern allows it.</summary>
    /// <exception cref="ApiException">400 naming the image and the patterns.</exception>
    public void Check(string image)
    {
        var patterns = options.Value.AllowedImages;
        if (patterns.Count == 0 || IsAllowed(patterns, image))
        {
            return;
        }

        throw new ApiException(new ApiError(400, $"Image '{image}' is not allowed on this server: FN_ALLOWED_IMAGES allows {string.Join(", ", patterns)}"));
    }

    /// <summary>Whether some pattern of <paramref name="patterns"/> matches <paramref name="image"/> or its full form.</summary>
    internal static bool IsAllowed(IReadOnlyList<string> patterns, string image)
    {
        var full = FullForm(image);
        return patterns.Any(p => FileSystemName.MatchesSimpleExpression(p, image, ignoreCase: false) || FileSystemName.MatchesSimpleExpression(p, full, ignoreCase: false));
    }

    /// <summary>Docker's normalized reference: <c>docker.io/library/</c> or <c>docker.io/</c> before a name without a registry, <c>:latest</c> after one without a tag or digest.</summary>
    internal static string FullForm(string image)
    {
        var slash = image.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? "" : image[..slash];
        var hasRegistry = first.Length > 0 && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost");
        var full = hasRegistry ? image : slash < 0 ? "docker.io/library/" + image : "docker.io/" + image;
        var lastPart = full[(full.LastIndexOf('/') + 1)..];
        return full.Contains('@', StringComparison.Ordinal) || lastPart.Contains(':', StringComparison.Ordinal) ? full : full + ":latest";
    }
}
