using FnSharp.Testing;
using k8s;
using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace FnSharp.Deploy.Tests;

/// <summary>
/// <c>deploy/kubernetes</c>: every manifest loads strictly (an unknown field fails) into the official
/// client's typed objects, the kustomization lists them all, and the parts fit together (labels and
/// selectors, Secret keys, the ports HAProxy's DNS discovery and probes name, the mounts the Docker
/// driver needs). No cluster runs here, so nothing is applied.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class KubernetesManifestTests
{
    private const string Namespace = "fnsharp";

    [Fact]
    public void Kustomization_ListsEveryManifestAndTheServerImage()
    {
        var kustomization = DeployFiles.Yaml(Path.Combine(DeployFiles.Kubernetes, "kustomization.yaml"));
        var resources = ((YamlSequenceNode)DeployFiles.At(kustomization, "resources")).Select(r => r.ToString()).Order(StringComparer.Ordinal);
        var files = Directory.GetFiles(DeployFiles.Kubernetes, "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml").Order(StringComparer.Ordinal);
        var images = ((YamlSequenceNode)DeployFiles.At(kustomization, "images")).Select(i => DeployFiles.At(i, "name").ToString());

        Assert.Equal(files, resources);
        Assert.Equal(Namespace, DeployFiles.At(kustomization, "namespace").ToString());
        Assert.Equal(["fnsharp/server"], images);
    }

    [Fact]
    public void Manifests_TypedObjectsInTheNamespace()
    {
        var objects = DeployFiles.Manifests();

        Assert.Equal(
            ["ConfigMap/haproxy", "DaemonSet/fnsharp-node", "Deployment/haproxy", "Namespace/fnsharp", "Secret/fnsharp-admin", "Secret/fnsharp-db", "Service/fnsharp", "Service/fnsharp-nodes", "Service/postgres", "StatefulSet/postgres"],
            objects.Select(o => $"{o.Kind}/{((IMetadata<V1ObjectMeta>)o).Metadata.Name}").Order(StringComparer.Ordinal));
        Assert.All(objects.OfType<IMetadata<V1ObjectMeta>>().Where(o => o is not V1Namespace), o => Assert.Equal(Namespace, o.Metadata.NamespaceProperty));
        Assert.All(objects.OfType<IMetadata<V1ObjectMeta>>(), o => Assert.Equal("fnsharp", o.Metadata.Labels["app.kubernetes.io/part-of"]));
    }

    [Fact]
    public void Nodes_OnePerHostWithTheEngineSocketAndTheSocketDirectoryAtTheSamePath()
    {
        var nodes = DeployFiles.One<V1DaemonSet>("fnsharp-node");
        var pod = nodes.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);
        var mounts = container.VolumeMounts.ToDictionary(m => m.Name, m => m.MountPath);
        var volumes = pod.Volumes.ToDictionary(v => v.Name, v => v.HostPath);

        Assert.Equal("fnsharp/server:latest", container.Image);
        Assert.Equal(("/var/run/docker.sock", "/var/run/docker.sock", "Socket"), (volumes["docker-socket"].Path, mounts["docker-socket"], volumes["docker-socket"].Type));

        // The Docker driver bind-mounts each container's directory under its own path into the engine's container: the host must see it there too.
        Assert.Equal(("/tmp/fnsharp-iofs", "/tmp/fnsharp-iofs"), (volumes["iofs"].Path, mounts["iofs"]));
        AssertSelects(nodes.Spec.Selector.MatchLabels, nodes.Spec.Template.Metadata.Labels);
    }

    [Fact]
    public void Nodes_SettingsFromTheSecretAndTheDownwardApi()
    {
        var container = Assert.Single(DeployFiles.One<V1DaemonSet>("fnsharp-node").Spec.Template.Spec.Containers);
        var env = container.Env.ToDictionary(e => e.Name);
        var secret = DeployFiles.One<V1Secret>("fnsharp-db");

        Assert.Equal("spec.nodeName", env["FN_NODE_NAME"].ValueFrom.FieldRef.FieldPath);
        Assert.Equal("status.podIP", env["POD_IP"].ValueFrom.FieldRef.FieldPath);
        Assert.Equal("http://$(POD_IP):8080", env["FN_NODE_URL"].Value);
        Assert.Equal(("fnsharp-db", "url"), (env["FN_DB_URL"].ValueFrom.SecretKeyRef.Name, env["FN_DB_URL"].ValueFrom.SecretKeyRef.Key));
        Assert.StartsWith("postgres://fnsharp:", secret.StringData["url"], StringComparison.Ordinal);
        Assert.EndsWith($"@postgres.{Namespace}.svc.cluster.local:5432/fnsharp", secret.StringData["url"], StringComparison.Ordinal);
        Assert.Contains($":{secret.StringData["password"]}@", secret.StringData["url"], StringComparison.Ordinal);

        // Listening on every address, a node starts only with an API key (FN_AUTH=auto): the admin token.
        var admin = DeployFiles.One<V1Secret>("fnsharp-admin").StringData["token"];
        Assert.Equal(("fnsharp-admin", "token"), (env["FN_ADMIN_TOKEN"].ValueFrom.SecretKeyRef.Name, env["FN_ADMIN_TOKEN"].ValueFrom.SecretKeyRef.Key));
        Assert.True(admin.Length >= 32 && !admin.Contains(' ', StringComparison.Ordinal), "FN_ADMIN_TOKEN must be at least 32 characters without spaces");
        Assert.DoesNotContain("FN_AUTH", env.Keys);
    }

    [Fact]
    public void Nodes_ProbesOnTheHealthEndpointsAndAGraceLongerThanTheRunners()
    {
        var pod = DeployFiles.One<V1DaemonSet>("fnsharp-node").Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);
        var graceMs = int.Parse(container.Env.Single(e => e.Name == "FN_SHUTDOWN_GRACE_MSECS").Value, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(("/health/ready", "http"), (container.ReadinessProbe.HttpGet.Path, container.ReadinessProbe.HttpGet.Port.Value));
        Assert.Equal(("/health/live", "http"), (container.LivenessProbe.HttpGet.Path, container.LivenessProbe.HttpGet.Port.Value));
        Assert.Equal(("http", 8080), (container.Ports.Single().Name, container.Ports.Single().ContainerPort));
        Assert.True(pod.TerminationGracePeriodSeconds * 1000 > graceMs);
    }

    [Fact]
    public void NodesService_HeadlessWithThePortHaproxyResolves()
    {
        var service = DeployFiles.One<V1Service>("fnsharp-nodes");
        var nodes = DeployFiles.One<V1DaemonSet>("fnsharp-node");
        var config = HaproxyConfig();

        Assert.Equal("None", service.Spec.ClusterIP);
        AssertSelects(service.Spec.Selector, nodes.Spec.Template.Metadata.Labels);
        Assert.Equal("http", Assert.Single(service.Spec.Ports).Name);
        Assert.Equal(2, CountOf(config, $" _http._tcp.fnsharp-nodes.{Namespace}.svc.cluster.local resolvers kube "));
    }

    [Fact]
    public void Haproxy_TheConfigMountedWhereTheImageReadsItAndServed()
    {
        var haproxy = DeployFiles.One<V1Deployment>("haproxy");
        var pod = haproxy.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);
        var service = DeployFiles.One<V1Service>("fnsharp");

        Assert.Equal("haproxy:2.6", container.Image);
        Assert.Equal("/usr/local/etc/haproxy", Assert.Single(container.VolumeMounts).MountPath);
        Assert.Equal("haproxy", Assert.Single(pod.Volumes).ConfigMap.Name);
        Assert.Equal("/haproxy/health", container.ReadinessProbe.HttpGet.Path);
        Assert.Contains("    monitor-uri /haproxy/health\n", HaproxyConfig(), StringComparison.Ordinal);
        AssertSelects(service.Spec.Selector, haproxy.Spec.Template.Metadata.Labels);
        AssertSelects(haproxy.Spec.Selector.MatchLabels, haproxy.Spec.Template.Metadata.Labels);
        Assert.Equal("http", service.Spec.Ports.Single().TargetPort.Value);
    }

    [Fact]
    public void Haproxy_RoutesAsTheLocalClusterDoes() => HaproxyRules.AssertRouting(HaproxyConfig());

    [Fact]
    public void Postgres_PasswordFromTheSecretAndItsServiceSelectsIt()
    {
        var postgres = DeployFiles.One<V1StatefulSet>("postgres");
        var container = Assert.Single(postgres.Spec.Template.Spec.Containers);
        var password = container.Env.Single(e => e.Name == "POSTGRES_PASSWORD").ValueFrom.SecretKeyRef;
        var service = DeployFiles.One<V1Service>("postgres");

        Assert.Equal(("fnsharp-db", "password"), (password.Name, password.Key));
        AssertSelects(service.Spec.Selector, postgres.Spec.Template.Metadata.Labels);
        AssertSelects(postgres.Spec.Selector.MatchLabels, postgres.Spec.Template.Metadata.Labels);
        Assert.Equal(("postgres", 5432), (service.Spec.Ports.Single().TargetPort.Value, container.Ports.Single().ContainerPort));
        Assert.Equal("data", Assert.Single(postgres.Spec.VolumeClaimTemplates).Metadata.Name);
    }

    /// <summary>The HAProxy configuration of the ConfigMap.</summary>
    internal static string HaproxyConfig() => DeployFiles.One<V1ConfigMap>("haproxy").Data["haproxy.cfg"];

    /// <summary>Every label <paramref name="selector"/> asks for is on the pods.</summary>
    private static void AssertSelects(IDictionary<string, string> selector, IDictionary<string, string> podLabels)
    {
        Assert.NotEmpty(selector);
        Assert.All(selector, pair => Assert.Equal(pair.Value, podLabels[pair.Key]));
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
