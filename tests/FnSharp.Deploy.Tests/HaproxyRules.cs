namespace FnSharp.Deploy.Tests;

/// <summary>The routing every HAProxy configuration of FnSharp shares (docs/cluster.md, "Routing" and "Failures").</summary>
internal static class HaproxyRules
{
    /// <summary>Checks that <paramref name="config"/> hashes /invoke and /t on the fn with bounded load, and retries what is safe only.</summary>
    public static void AssertRouting(string config)
    {
        var invoke = Section(config, "backend invoke");
        var others = Section(config, "backend others");
        var frontend = Section(config, "frontend fnsharp");

        Assert.Contains("use_backend invoke if { path_beg /invoke/ }", frontend, StringComparison.Ordinal);
        Assert.Contains("http-request set-var(txn.fnsharp_key) path if { path_beg /t/ }", frontend, StringComparison.Ordinal);
        Assert.Contains("default_backend others", frontend, StringComparison.Ordinal);
        Assert.Contains("balance uri path-only", invoke, StringComparison.Ordinal);
        Assert.Contains("balance hash var(txn.fnsharp_key)", others, StringComparison.Ordinal);
        foreach (var backend in new[] { invoke, others })
        {
            Assert.Contains("hash-type consistent", backend, StringComparison.Ordinal);
            Assert.Contains("hash-balance-factor 150", backend, StringComparison.Ordinal);
        }

        // A 503 is retried on /invoke only, where it is always FnSharp's refusal before any container.
        Assert.Contains("retry-on conn-failure 503", invoke, StringComparison.Ordinal);
        Assert.DoesNotContain("retry-on", others, StringComparison.Ordinal);
        Assert.Contains("retry-on conn-failure\n", config, StringComparison.Ordinal);
        Assert.Contains("option httpchk GET /health/ready", invoke, StringComparison.Ordinal);
        Assert.Contains("option redispatch 1", config, StringComparison.Ordinal);
        Assert.Contains("weight 100", config, StringComparison.Ordinal);
    }

    /// <summary>The lines of the section that starts with <paramref name="header"/>, to the next section.</summary>
    private static string Section(string config, string header)
    {
        var lines = config.Split('\n');
        var start = Array.FindIndex(lines, l => l.Trim() == header);
        Assert.True(start >= 0, $"no '{header}' section");
        var section = lines.Skip(start + 1).TakeWhile(l => l.Length == 0 || l.StartsWith(' ') || l.StartsWith('#'));
        return string.Join('\n', section.Where(l => !l.TrimStart().StartsWith('#')).Select(l => l.Trim())) + "\n";
    }
}
