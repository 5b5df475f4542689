using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;

namespace FnSharp.Server.Dashboard;

/// <summary>
/// The dashboard's files, embedded in the server's assembly at build (resources named <c>ui/PATH</c>:
/// the sources of <c>src/dashboard/app</c> and uPlot's files copied from <c>node_modules</c>), read once
/// and kept in memory with a gzipped copy and an ETag. Nothing is read from disk or the network at run time.
/// </summary>
internal sealed class DashboardAssets
{
    /// <summary>The prefix of the dashboard's resource names.</summary>
    public const string ResourcePrefix = "ui/";

    private static readonly Dictionary<string, string> s_contentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".json"] = "application/json; charset=utf-8",
        [".txt"] = "text/plain; charset=utf-8",
    };

    private readonly Dictionary<string, DashboardAsset> _assets;

    public DashboardAssets()
        : this(typeof(DashboardAssets).Assembly)
    {
    }

    /// <summary>Reads the <c>ui/</c> resources of <paramref name="assembly"/>.</summary>
    internal DashboardAssets(Assembly assembly)
    {
        _assets = new Dictionary<string, DashboardAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            _assets[name[ResourcePrefix.Length..]] = new DashboardAsset(
                content,
                Gzip(content),
                s_contentTypes.GetValueOrDefault(Path.GetExtension(name), "application/octet-stream"),
                "\"" + Convert.ToHexStringLower(SHA256.HashData(content))[..16] + "\"");
        }
    }

    /// <summary>The paths of every file, for example <c>index.html</c> and <c>vendor/uPlot.esm.js</c>.</summary>
    public IEnumerable<string> Paths => _assets.Keys;

    /// <summary>The file at <paramref name="path"/> (relative, <c>/</c>-separated), or <see langword="null"/>.</summary>
    public DashboardAsset? Find(string path) => _assets.GetValueOrDefault(path);

    private static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return output.ToArray();
    }
}
