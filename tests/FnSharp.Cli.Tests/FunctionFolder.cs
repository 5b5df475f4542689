using Docker.DotNet;
using Docker.DotNet.Models;
using FnSharp.Testing;

namespace FnSharp.Cli.Tests;

/// <summary>
/// A function's directory in a temporary folder, named <c>clitest-XXXXXXXX</c> so that its images are the
/// test's own; disposing it removes the directory and every image of that name from the engine.
/// </summary>
internal sealed class FunctionFolder : IAsyncDisposable
{
    /// <summary>A Dockerfile that builds in a second from a base image every test machine has.</summary>
    public const string QuickDockerfile = "FROM fnsharp/aot-runtime:latest\nCOPY hello.txt /hello.txt\n";

    private readonly string _root = TestDirectories.Create("fnsharp-fn-");

    public FunctionFolder()
    {
        Name = "clitest-" + Guid.NewGuid().ToString("N")[..8];
        Path = System.IO.Path.Combine(_root, Name);
        Directory.CreateDirectory(Path);
    }

    /// <summary>The function's name, unique to this test: the image's repository.</summary>
    public string Name { get; }

    /// <summary>The function's directory.</summary>
    public string Path { get; }

    /// <summary>func.yaml's path.</summary>
    public string FuncYaml => System.IO.Path.Combine(Path, "func.yaml");

    /// <summary>Extra image repositories to remove at the end (for example with a registry prefix).</summary>
    public List<string> OtherRepositories { get; } = [];

    /// <summary>
    /// Ids of images to remove at the end that no tag will name by then: a build that a later build of the same tag
    /// replaced (<c>--no-cache</c>) is left untagged (<c>&lt;none&gt;</c> in <c>docker images</c>), out of reach of
    /// the removal by repository.
    /// </summary>
    public List<string> OtherImages { get; } = [];

    /// <summary>A func.yaml of runtime docker with <paramref name="extra"/> lines, the quick Dockerfile, and the file it copies.</summary>
    public FunctionFolder WithDockerFunction(string extra = "", string version = "0.0.1")
    {
        Write("func.yaml", $"schema_version: 20180708\nname: {Name}\nversion: {version}\nruntime: docker\n{extra}");
        Write("Dockerfile", QuickDockerfile);
        // Content of this folder's own: images built from the same context share their cached layers, and a
        // test that removes its image at the end would remove a layer that another test's build is using.
        Write("hello.txt", $"hello from {Name}\n");
        return this;
    }

    public void Write(string file, string text)
    {
        var path = System.IO.Path.Combine(Path, file);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public string Read(string file) => File.ReadAllText(System.IO.Path.Combine(Path, file));

    /// <summary>The tags of the engine's images of repository <paramref name="repository"/> (the function's name by default).</summary>
    public async Task<List<string>> ImagesAsync(string? repository = null)
    {
        using var docker = Engine();
        var images = await docker.Images.ListImagesAsync(new ImagesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["reference"] = new Dictionary<string, bool> { [repository ?? Name] = true } },
        });
        return [.. images.SelectMany(i => i.RepoTags ?? []).Order(StringComparer.Ordinal)];
    }

    /// <summary>The id of the engine's image tagged <paramref name="tag"/>.</summary>
    public static async Task<string> ImageIdAsync(string tag)
    {
        using var docker = Engine();
        return (await docker.Images.InspectImageAsync(tag)).ID;
    }

    public async ValueTask DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        if (!File.Exists("/var/run/docker.sock"))
        {
            return; // A unit test on a machine without the engine: no image can exist.
        }

        using var docker = Engine();
        try
        {
            foreach (var repository in OtherRepositories.Append(Name))
            {
                foreach (var tag in await ImagesAsync(repository))
                {
                    await docker.Images.DeleteImageAsync(tag, new ImageDeleteParameters { Force = true });
                }
            }

            foreach (var id in OtherImages)
            {
                await docker.Images.DeleteImageAsync(id, new ImageDeleteParameters { Force = true });
            }
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException)
        {
            // The image is gone already, or the engine is down and no image of this test was built.
        }
    }

    private static DockerClient Engine() => new DockerClientBuilder().WithEndpoint(new Uri("unix:///var/run/docker.sock")).Build();
}
