using FnSharp.Testing;

namespace FnSharp.Deploy.Tests;

/// <summary>
/// The deployment files checked by the tools that run them: Debian's <c>docker-compose config</c> and
/// <c>haproxy -c</c> (both installed by <c>scripts/test.sh</c> when missing). Nodes' names cannot be
/// resolved here, which HAProxy reports as warnings; the configurations must still be valid.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class DeployToolsTests
{
    private static readonly string ComposeFile = Path.Combine(DeployFiles.Compose, "docker-compose.yml");

    [Fact]
    public async Task Compose_DockerComposeConfig_Valid()
    {
        var token = new Dictionary<string, string> { ["FNSHARP_ADMIN_TOKEN"] = new string('t', 64) };

        var (code, output) = await Tool.RunAsync("docker-compose", token, "-f", ComposeFile, "config", "--quiet");

        Assert.True(code == 0, output);
    }

    [Fact]
    public async Task Compose_NoAdminToken_RefusedNamingIt()
    {
        var unset = new Dictionary<string, string> { ["FNSHARP_ADMIN_TOKEN"] = "" };

        var (code, output) = await Tool.RunAsync("docker-compose", unset, "-f", ComposeFile, "config", "--quiet");

        Assert.NotEqual(0, code);
        Assert.Contains("set FNSHARP_ADMIN_TOKEN to the admin API key", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compose_Haproxy_ConfigValid() => await AssertHaproxyAcceptsAsync(Path.Combine(DeployFiles.Compose, "haproxy.cfg"));

    [Fact]
    public async Task Kubernetes_Haproxy_ConfigValid()
    {
        var path = Path.Combine(TestDirectories.Create("fnsharp-haproxy-"), "haproxy.cfg");
        await File.WriteAllTextAsync(path, KubernetesManifestTests.HaproxyConfig());
        try
        {
            await AssertHaproxyAcceptsAsync(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task AssertHaproxyAcceptsAsync(string path)
    {
        var (code, output) = await Tool.RunAsync("haproxy", "-c", "-f", path);

        Assert.True(code == 0, output);
        Assert.Contains("Configuration file is valid", output, StringComparison.Ordinal);
    }
}
