using System.Formats.Tar;
using System.Text;
using System.Text.RegularExpressions;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace FnSharp.Testing.Docker;

/// <summary>
/// The two registries <c>scripts/start-registry.sh</c> starts on loopback (one open, one with basic auth), as
/// the environment variables it prints name them, with a repository namespace of this instance's own, so that
/// tests running at once never share an image. It builds small function images of its own (the test function
/// plus a file that makes each one unique, so that a pull downloads a layer), pushes them, and on dispose
/// removes from the engine every image of its namespace: never an image it did not make.
/// </summary>
public sealed partial class TestRegistry : IAsyncDisposable
{
    /// <summary>The open registry, <c>127.0.0.1:PORT</c>.</summary>
    public const string OpenVariable = "FNSHARP_TEST_REGISTRY";

    /// <summary>The registry with basic auth, <c>127.0.0.1:PORT</c>.</summary>
    public const string AuthVariable = "FNSHARP_TEST_REGISTRY_AUTH";

    /// <summary>The base image of the images built here, from <c>scripts/build-images.sh</c>.</summary>
    public const string BaseImage = "fnsharp/testfn:latest";

    private readonly DockerClient _docker = new DockerClientBuilder().WithEndpoint(new Uri("unix:///var/run/docker.sock")).Build();

    private TestRegistry(string open, string withAuth, string user, string password, string? log)
    {
        Open = open;
        WithAuth = withAuth;
        User = user;
        Password = password;
        LogPath = log;
    }

    /// <summary>The open registry's address.</summary>
    public string Open { get; }

    /// <summary>The address of the registry with basic auth.</summary>
    public string WithAuth { get; }

    /// <summary>Its user.</summary>
    public string User { get; }

    /// <summary>Its user's password.</summary>
    public string Password { get; }

    /// <summary>The registries' request log (Apache's combined format, one line per request), when the script names it.</summary>
    public string? LogPath { get; }

    /// <summary>This instance's repository namespace, <c>fnsharp-test-XXXXXXXX</c>.</summary>
    public string Namespace { get; } = "fnsharp-test-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Reads the registries from the environment.</summary>
    /// <exception cref="InvalidOperationException">The variables are not set; the message says how to start the registries.</exception>
    public static TestRegistry FromEnvironment()
    {
        var open = Environment.GetEnvironmentVariable(OpenVariable);
        var withAuth = Environment.GetEnvironmentVariable(AuthVariable);
        if (string.IsNullOrEmpty(open) || string.IsNullOrEmpty(withAuth))
        {
            throw new InvalidOperationException(
                $"{OpenVariable} and {AuthVariable} are not set, so the registry tests cannot run. Run them through scripts/test.sh (which starts the registries), "
                + "or start them yourself: eval \"$(scripts/start-registry.sh --env)\" (and scripts/stop-registry.sh afterwards).");
        }

        return new TestRegistry(
            open,
            withAuth,
            Environment.GetEnvironmentVariable("FNSHARP_TEST_REGISTRY_USER") ?? "fnsharp",
            Environment.GetEnvironmentVariable("FNSHARP_TEST_REGISTRY_PASSWORD") ?? "",
            Environment.GetEnvironmentVariable("FNSHARP_TEST_REGISTRY_LOG"));
    }

    /// <summary>An image name in this namespace: <c>REGISTRY/NAMESPACE/NAME:TAG</c>.</summary>
    public string Image(string registry, string name, string tag = "1") => $"{registry}/{Namespace}/{name}:{tag}";

    /// <summary>
    /// Builds <paramref name="image"/> on the engine: the test function with a file holding <paramref name="content"/>,
    /// so that images of different content differ in a layer.
    /// </summary>
    public async Task BuildAsync(string image, string content)
    {
        using var context = new MemoryStream();
        await using (var tar = new TarWriter(context, leaveOpen: true))
        {
            await AddAsync(tar, "Dockerfile", $"FROM {BaseImage}\nCOPY content.txt /content.txt\n");
            await AddAsync(tar, "content.txt", content);
        }

        context.Position = 0;
        var errors = new BuildErrors();
        await _docker.Images.BuildImageFromDockerfileAsync(
            new ImageBuildParameters { Dockerfile = "Dockerfile", Tags = [image], Remove = true, ForceRemove = true },
            context,
            null,
            null,
            errors);
        if (errors.Error is { } error)
        {
            throw new InvalidOperationException($"building {image} failed: {error}");
        }
    }

    /// <summary>Pushes <paramref name="image"/>, with the user's credentials when it names the registry with auth; returns the digest.</summary>
    public async Task<string> PushAsync(string image)
    {
        var colon = image.LastIndexOf(':');
        var progress = new BuildErrors();
        await _docker.Images.PushImageAsync(image[..colon], new ImagePushParameters { Tag = image[(colon + 1)..] }, Auth(image), progress);
        if (progress.Error is { } error)
        {
            throw new InvalidOperationException($"pushing {image} failed: {error}");
        }

        var inspected = await _docker.Images.InspectImageAsync(image);
        var repository = image[..colon] + "@";
        return inspected.RepoDigests.First(d => d.StartsWith(repository, StringComparison.Ordinal))[repository.Length..];
    }

    /// <summary>Builds and pushes <paramref name="image"/>, then removes it from the engine, so that running it needs a pull; returns its digest.</summary>
    public async Task<string> PublishAsync(string image, string content)
    {
        await BuildAsync(image, content);
        var digest = await PushAsync(image);
        await RemoveLocalAsync(image);
        return digest;
    }

    /// <summary>Removes <paramref name="image"/> from the engine (the name; the image too when no other name holds it); nothing when it is not there.</summary>
    public async Task RemoveLocalAsync(string image)
    {
        try
        {
            await _docker.Images.DeleteImageAsync(image, new ImageDeleteParameters { Force = true });
        }
        catch (DockerImageNotFoundException)
        {
        }
    }

    /// <summary>Whether the engine has <paramref name="image"/>.</summary>
    public async Task<bool> IsLocalAsync(string image)
    {
        try
        {
            await _docker.Images.InspectImageAsync(image);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// How many times the registries were asked for the manifest of <paramref name="image"/> (<c>GET</c> or <c>HEAD</c>
    /// of <c>/v2/PATH/manifests/TAG</c>): each pull asks once.
    /// </summary>
    /// <exception cref="InvalidOperationException">The script named no log.</exception>
    public int ManifestRequests(string image)
    {
        var path = LogPath ?? throw new InvalidOperationException("FNSHARP_TEST_REGISTRY_LOG is not set: scripts/start-registry.sh names it");
        var slash = image.IndexOf('/', StringComparison.Ordinal);
        var colon = image.LastIndexOf(':');
        var request = $" /v2/{image[(slash + 1)..colon]}/manifests/{image[(colon + 1)..]} HTTP/1.1\"";
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var count = 0;
        while (reader.ReadLine() is { } line)
        {
            if (line.Contains(request, StringComparison.Ordinal) && ManifestMethod().IsMatch(line))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>
    /// Points the tag of <paramref name="target"/> at the manifest of <paramref name="source"/> in the registry itself,
    /// as a push from another machine would (both in one repository, so the layers are there): the engine's own
    /// images are left as they are. Returns the manifest's digest.
    /// </summary>
    public async Task<string> MoveTagAsync(string source, string target)
    {
        var (registry, repository, fromTag) = Split(source);
        var (_, targetRepository, toTag) = Split(target);
        if (targetRepository != repository)
        {
            throw new ArgumentException($"{target} is not in the repository of {source}", nameof(target));
        }

        using var http = new HttpClient { BaseAddress = new Uri($"http://{registry}/") };
        if (registry == WithAuth)
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}")));
        }

        using var get = new HttpRequestMessage(HttpMethod.Get, $"v2/{repository}/manifests/{fromTag}");
        get.Headers.Accept.ParseAdd("application/vnd.docker.distribution.manifest.v2+json");
        get.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
        using var manifest = await http.SendAsync(get);
        manifest.EnsureSuccessStatusCode();
        var body = await manifest.Content.ReadAsByteArrayAsync();
        using var put = new HttpRequestMessage(HttpMethod.Put, $"v2/{repository}/manifests/{toTag}") { Content = new ByteArrayContent(body) };
        put.Content.Headers.ContentType = manifest.Content.Headers.ContentType;
        using var stored = await http.SendAsync(put);
        stored.EnsureSuccessStatusCode();
        return stored.Headers.GetValues("Docker-Content-Digest").First();
    }

    /// <summary>Removes from the engine every image of this namespace, in both registries.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var registry in new[] { Open, WithAuth })
        {
            var images = await _docker.Images.ListImagesAsync(new ImagesListParameters
            {
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["reference"] = new Dictionary<string, bool> { [$"{registry}/{Namespace}/*"] = true } },
            });
            var prefix = $"{registry}/{Namespace}/";
            foreach (var tag in images.SelectMany(i => i.RepoTags ?? []).Where(t => t.StartsWith(prefix, StringComparison.Ordinal)))
            {
                await RemoveLocalAsync(tag);
            }

            // An image whose tag moved away (a pull after MoveTagAsync) keeps only its digest, which the list above
            // finds with no tag to remove by: it goes by its id.
            foreach (var untagged in images.Where(i => (i.RepoTags ?? []).All(t => !t.StartsWith(prefix, StringComparison.Ordinal)) && (i.RepoDigests ?? []).Any(d => d.StartsWith(prefix, StringComparison.Ordinal))))
            {
                await RemoveLocalAsync(untagged.ID);
            }
        }

        _docker.Dispose();
    }

    private static (string Registry, string Repository, string Tag) Split(string image)
    {
        var slash = image.IndexOf('/', StringComparison.Ordinal);
        var colon = image.LastIndexOf(':');
        return (image[..slash], image[(slash + 1)..colon], image[(colon + 1)..]);
    }

    private AuthConfig Auth(string image) => image.StartsWith(WithAuth + "/", StringComparison.Ordinal)
        ? new AuthConfig { ServerAddress = WithAuth, Username = User, Password = Password }
        : new AuthConfig();

    private static async Task AddAsync(TarWriter tar, string name, string text)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)), Mode = (UnixFileMode)0b110_100_100 };
        await tar.WriteEntryAsync(entry);
    }

    [GeneratedRegex("\"(GET|HEAD) /v2/")]
    private static partial Regex ManifestMethod();

    /// <summary>Keeps a build's or push's error, synchronously.</summary>
    private sealed class BuildErrors : IProgress<JSONMessage>
    {
        public string? Error { get; private set; }

        public void Report(JSONMessage value)
        {
            if (value.Error?.Message is { Length: > 0 } message)
            {
                Error = message;
            }
        }
    }
}
