using System.Text.Json.Nodes;
using FnSharp.Docker.Runc;
using FnSharp.Testing;

namespace FnSharp.Docker.Tests.Runc;

/// <summary>The seccomp profile written into each runc container's spec.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class OciSeccompProfileTests
{
    [Fact]
    public void Build_Default_AllowsButRefusesTheListedCallsWithEperm()
    {
        var profile = OciSeccompProfile.Build();
        var refused = profile["syscalls"]!.AsArray().Where(r => r!["args"] is null && (int)r["errnoRet"]! == OciSeccompProfile.Eperm).SelectMany(r => Names(r!)).ToList();

        Assert.Equal("SCMP_ACT_ALLOW", (string?)profile["defaultAction"]);
        foreach (var name in (string[])["keyctl", "add_key", "request_key", "kexec_load", "init_module", "finit_module", "delete_module", "mount", "umount2", "pivot_root", "setns", "bpf", "perf_event_open", "userfaultfd", "open_by_handle_at"])
        {
            Assert.Contains(name, refused);
        }

        Assert.All(profile["syscalls"]!.AsArray(), r => Assert.Equal("SCMP_ACT_ERRNO", (string?)r!["action"]));
    }

    [Fact]
    public void Build_Clone3_EnosysSoTheCLibraryFallsBackToClone()
    {
        var rule = OciSeccompProfile.Build()["syscalls"]!.AsArray().Single(r => Names(r!).Contains("clone3"))!;

        Assert.Equal(["clone3"], Names(rule));
        Assert.Equal(OciSeccompProfile.Enosys, (int)rule["errnoRet"]!);
    }

    [Fact]
    public void Build_UnshareAndClone_RefusedForEachNamespaceFlagOnly()
    {
        var rules = OciSeccompProfile.Build()["syscalls"]!.AsArray().Where(r => r!["args"] is not null).ToList();

        foreach (var call in (string[])["unshare", "clone"])
        {
            var masks = rules.Where(r => Names(r!).SequenceEqual([call])).Select(r => r!["args"]!.AsArray().Single()!).ToList();
            Assert.Equal(OciSeccompProfile.NamespaceFlags, masks.Select(a => (long)a["value"]!));
            Assert.All(masks, a => Assert.Equal(((string?)"SCMP_CMP_MASKED_EQ", 0, (long)a["value"]!), ((string?)a["op"], (int)a["index"]!, (long)a["valueTwo"]!)));
        }
    }

    private static List<string> Names(JsonNode rule) => [.. rule["names"]!.AsArray().Select(n => (string)n!)];
}
