using FnSharp.Testing;
using YamlDotNet.RepresentationModel;

namespace FnSharp.Deploy.Tests;

/// <summary>
/// <c>deploy/compose</c>: the Compose file's nodes have what the Docker driver needs and HAProxy routes
/// to each of them as the local cluster does.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class ComposeTests
{
    private static readonly YamlMappingNode File = DeployFiles.Yaml(Path.Combine(DeployFiles.Compose, "docker-compose.yml"));

    private static string HaproxyConfig => System.IO.File.ReadAllText(Path.Combine(DeployFiles.Compose, "haproxy.cfg"));

    [Fact]
    public void Nodes_EachNamedOnceAndRoutedToByHaproxy()
    {
        var nodes = Services().Where(s => s.Key.StartsWith("node-", StringComparison.Ordinal)).ToList();
        var names = nodes.Select(n => DeployFiles.At(n.Value, "environment", "FN_NODE_NAME").ToString()).ToList();

        Assert.Equal(["node-1", "node-2", "node-3"], names);
        Assert.Equal(names, nodes.Select(n => n.Key));
        Assert.All(nodes, n => Assert.Equal($"http://{n.Key}:8080", DeployFiles.At(n.Value, "environment", "FN_NODE_URL").ToString()));
        Assert.All(names, name =>
        {
            Assert.Contains($"    server {name} {name}:8080 check\n", HaproxyConfig, StringComparison.Ordinal);
            Assert.Contains($"    server {name} {name}:8080 track invoke/{name}\n", HaproxyConfig, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Nodes_TheEngineSocketAndTheSocketDirectoryAtTheSamePath()
    {
        foreach (var (_, node) in Services().Where(s => s.Key.StartsWith("node-", StringComparison.Ordinal)))
        {
            var volumes = ((YamlSequenceNode)DeployFiles.At(node, "volumes")).Select(v => v.ToString()).ToList();

            Assert.Equal(["/var/run/docker.sock:/var/run/docker.sock", "/tmp/fnsharp-iofs:/tmp/fnsharp-iofs"], volumes);
            Assert.Equal("fnsharp/server:latest", DeployFiles.At(node, "image").ToString());
            Assert.Equal("postgres://fnsharp:${FNSHARP_DB_PASSWORD:-fnsharp}@postgres:5432/fnsharp", DeployFiles.At(node, "environment", "FN_DB_URL").ToString());
            Assert.Equal("service_healthy", DeployFiles.At(node, "depends_on", "postgres", "condition").ToString());
            Assert.StartsWith("${FNSHARP_ADMIN_TOKEN:?", DeployFiles.At(node, "environment", "FN_ADMIN_TOKEN").ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Haproxy_RoutesAsTheLocalClusterDoes() => HaproxyRules.AssertRouting(HaproxyConfig);

    [Fact]
    public void Haproxy_ItsConfigMountedWhereTheImageReadsIt() =>
        Assert.Equal(
            ["./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro"],
            ((YamlSequenceNode)DeployFiles.At(File, "services", "haproxy", "volumes")).Select(v => v.ToString()));

    /// <summary>The services, each with its merged keys (<c>&lt;&lt;: *node</c>) resolved.</summary>
    private static IEnumerable<KeyValuePair<string, YamlMappingNode>> Services() =>
        ((YamlMappingNode)DeployFiles.At(File, "services")).Select(s => new KeyValuePair<string, YamlMappingNode>(s.Key.ToString(), Merged((YamlMappingNode)s.Value)));

    private static YamlMappingNode Merged(YamlMappingNode service)
    {
        var merged = new YamlMappingNode();
        foreach (var (key, value) in service)
        {
            if (key.ToString() == "<<")
            {
                foreach (var (inheritedKey, inheritedValue) in (YamlMappingNode)value)
                {
                    merged.Children[inheritedKey] = inheritedValue;
                }
            }
        }

        foreach (var (key, value) in service.Where(c => c.Key.ToString() != "<<"))
        {
            merged.Children[key] = value;
        }

        return merged;
    }
}
