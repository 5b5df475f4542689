using FnSharp.Testing;
using k8s;
using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace FnSharp.Deploy.Tests;

/// <summary>The files under <c>deploy/</c>, read from the repository.</summary>
internal static class DeployFiles
{
    /// <summary>The repository's root (the directory holding <c>FnSharp.sln</c>).</summary>
    public static string Root => RepositoryPaths.Root;

    /// <summary><c>deploy/kubernetes</c>.</summary>
    public static string Kubernetes => Path.Combine(Root, "deploy", "kubernetes");

    /// <summary><c>deploy/compose</c>.</summary>
    public static string Compose => Path.Combine(Root, "deploy", "compose");

    /// <summary>Every object of every manifest under <c>deploy/kubernetes</c> (the kustomization aside), typed by the official client.</summary>
    public static IReadOnlyList<IKubernetesObject> Manifests() =>
        [.. Directory.GetFiles(Kubernetes, "*.yaml").Where(f => Path.GetFileName(f) != "kustomization.yaml").Order(StringComparer.Ordinal)
            .SelectMany(f => KubernetesYaml.LoadAllFromString(File.ReadAllText(f), strict: true)).Cast<IKubernetesObject>()];

    /// <summary>The one object of type <typeparamref name="T"/> named <paramref name="name"/>.</summary>
    public static T One<T>(string name)
        where T : IKubernetesObject<V1ObjectMeta> =>
        Assert.Single(Manifests().OfType<T>(), o => o.Metadata.Name == name);

    /// <summary>A YAML file as a mapping (Compose and kustomize files, which the Kubernetes client does not model).</summary>
    public static YamlMappingNode Yaml(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    /// <summary>The node at <paramref name="keys"/> under <paramref name="node"/>.</summary>
    public static YamlNode At(YamlNode node, params string[] keys) =>
        keys.Aggregate(node, (current, key) => ((YamlMappingNode)current).Children[new YamlScalarNode(key)]);
}
