using System.Text.Json.Nodes;
using FnSharp.Docker.Runc;
using FnSharp.Testing;

namespace FnSharp.Docker.Tests.Runc;

/// <summary>The OCI spec of a runc container: the Docker driver's hardening, written for runc.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class OciSpecBuilderTests
{
    private const long Memory = 128L * 1024 * 1024;

    [Fact]
    public void Build_DefaultHardening_UserCapabilitiesPrivilegesAndRootAsDocker()
    {
        var spec = OciSpecBuilder.Build(Input());
        var process = spec["process"]!;

        Assert.Equal("1.0.2", (string?)spec["ociVersion"]);
        Assert.Equal(1000u, (uint)process["user"]!["uid"]!);
        Assert.Equal(1000u, (uint)process["user"]!["gid"]!);
        foreach (var set in (string[])["bounding", "effective", "permitted", "inheritable", "ambient"])
        {
            Assert.Empty(process["capabilities"]![set]!.AsArray());
        }

        Assert.True((bool)process["noNewPrivileges"]!);
        Assert.False((bool)process["terminal"]!);
        Assert.Equal("/srv/rootfs", (string?)spec["root"]!["path"]);
        Assert.True((bool)spec["root"]!["readonly"]!);
        Assert.Equal("fnsharp-abc", (string?)spec["hostname"]);
    }

    [Fact]
    public void Build_DefaultHardening_InitRunsTheImagesProcess()
    {
        var spec = OciSpecBuilder.Build(Input());

        Assert.Equal(["/dev/init", "--", "/app/fn", "--serve"], Strings(spec["process"]!["args"]));
        var init = Mount(spec, "/dev/init");
        Assert.Equal("/usr/bin/docker-init", (string?)init["source"]);
        Assert.Equal(["bind", "ro", "nosuid", "nodev"], Strings(init["options"]));
    }

    [Fact]
    public void Build_DefaultHardening_LimitsAsDocker()
    {
        var resources = OciSpecBuilder.Build(Input())["linux"]!["resources"]!;

        Assert.Equal(Memory, (long)resources["memory"]!["limit"]!);
        Assert.Equal(Memory, (long)resources["memory"]!["swap"]!);
        Assert.Equal(0, (int)resources["memory"]!["swappiness"]!);
        Assert.Equal(128, (long)resources["cpu"]!["shares"]!);
        Assert.Equal(50, (long)resources["pids"]!["limit"]!);
        Assert.Equal(
            [("RLIMIT_MEMLOCK", 65536L), ("RLIMIT_MSGQUEUE", 819200L), ("RLIMIT_NOFILE", 350L), ("RLIMIT_SIGPENDING", 5000L)],
            OciSpecBuilder.Build(Input())["process"]!["rlimits"]!.AsArray().Select(r => ((string)r!["type"]!, (long)r["hard"]!)));
        Assert.All(OciSpecBuilder.Build(Input())["process"]!["rlimits"]!.AsArray(), r => Assert.Equal((long)r!["hard"]!, (long)r["soft"]!));
    }

    [Fact]
    public void Build_CgroupV2_NoSwappiness()
    {
        var memory = OciSpecBuilder.Build(Input() with { CgroupV2 = true })["linux"]!["resources"]!["memory"]!.AsObject();

        Assert.False(memory.ContainsKey("swappiness"));
        Assert.Equal(Memory, (long)memory["swap"]!);
    }

    [Fact]
    public void Build_AnyInput_OwnNamespacesWithoutNetworkAndTheNodesCgroup()
    {
        var linux = OciSpecBuilder.Build(Input())["linux"]!;

        Assert.Equal(["pid", "ipc", "uts", "mount", "network"], linux["namespaces"]!.AsArray().Select(n => (string)n!["type"]!));
        Assert.All(linux["namespaces"]!.AsArray(), n => Assert.False(n!.AsObject().ContainsKey("path")));
        Assert.Equal("/fnsharp-node/fnsharp-abc", (string?)linux["cgroupsPath"]);
        Assert.Contains("/proc/kcore", Strings(linux["maskedPaths"]));
        Assert.Contains("/proc/sys", Strings(linux["readonlyPaths"]));
        Assert.Equal([(false, "rwm")], linux["resources"]!["devices"]!.AsArray().Select(d => ((bool)d!["allow"]!, (string)d["access"]!)));
        Assert.Equal(OciSeccompProfile.Build().ToJsonString(), linux["seccomp"]!.ToJsonString());
    }

    [Fact]
    public void Build_NetworkNamespaceAndEtcFiles_JoinedAndBoundReadOnly()
    {
        var spec = OciSpecBuilder.Build(Input() with
        {
            NetworkNamespacePath = "/run/netns/fnsharp-abc",
            FileMounts = [("/etc/hosts", "/srv/bundle/hosts"), ("/etc/resolv.conf", "/srv/bundle/resolv.conf")],
        });

        var network = spec["linux"]!["namespaces"]!.AsArray().Single(n => (string?)n!["type"] == "network")!;
        Assert.Equal("/run/netns/fnsharp-abc", (string?)network["path"]);
        Assert.Equal("/srv/bundle/hosts", (string?)Mount(spec, "/etc/hosts")["source"]);
        Assert.Equal(["rbind", "rprivate", "ro", "nosuid", "nodev", "noexec"], Strings(Mount(spec, "/etc/resolv.conf")["options"]));
    }

    [Fact]
    public void Build_DefaultHardening_TmpfsAndSocketDirectoryAsDocker()
    {
        var spec = OciSpecBuilder.Build(Input());

        var tmp = Mount(spec, "/tmp");
        Assert.Equal("tmpfs", (string?)tmp["type"]);
        Assert.Equal(["nosuid", "nodev", "noexec", "mode=1777", "size=64m"], Strings(tmp["options"]));
        var iofs = Mount(spec, "/tmp/iofs");
        Assert.Equal("/tmp/fnsharp-iofs/fnsharp-abc", (string?)iofs["source"]);
        Assert.Equal(["rbind", "rprivate", "rw"], Strings(iofs["options"]));
        Assert.True(Destinations(spec).IndexOf("/tmp") < Destinations(spec).IndexOf("/tmp/iofs"));
    }

    [Fact]
    public void Build_HardeningOff_DockersDefaultCapabilitiesWritableNothingLimitedButMemory()
    {
        var spec = OciSpecBuilder.Build(Input() with { Hardening = ContainerHardening.None, User = new OciUser(0, 0, "/root") });
        var process = spec["process"]!;

        Assert.Equal(["/app/fn", "--serve"], Strings(process["args"]));
        Assert.Contains("CAP_CHOWN", Strings(process["capabilities"]!["bounding"]));
        Assert.Equal(14, process["capabilities"]!["effective"]!.AsArray().Count);
        Assert.False((bool)process["noNewPrivileges"]!);
        Assert.False((bool)spec["root"]!["readonly"]!);
        Assert.DoesNotContain("/tmp", Destinations(spec));
        Assert.DoesNotContain("/dev/init", Destinations(spec));
        Assert.Empty(process["rlimits"]!.AsArray());
        var resources = spec["linux"]!["resources"]!.AsObject();
        Assert.False(resources.ContainsKey("pids"));
        Assert.False(resources["memory"]!.AsObject().ContainsKey("swap"));
    }

    [Fact]
    public void Build_CapabilitiesKeptForAUser_OnlyInTheBoundingSet()
    {
        var process = OciSpecBuilder.Build(Input() with { Hardening = new ContainerHardening { DropAllCapabilities = false } })["process"]!;

        Assert.Equal(14, process["capabilities"]!["bounding"]!.AsArray().Count);
        Assert.Empty(process["capabilities"]!["effective"]!.AsArray());
        Assert.Empty(process["capabilities"]!["permitted"]!.AsArray());
    }

    [Fact]
    public void Build_NoInitPath_ProcessIsPid1()
    {
        var spec = OciSpecBuilder.Build(Input() with { InitPath = null });

        Assert.Equal(["/app/fn", "--serve"], Strings(spec["process"]!["args"]));
        Assert.DoesNotContain("/dev/init", Destinations(spec));
    }

    [Fact]
    public void Build_SameInput_SameJson()
    {
        Assert.Equal(OciSpecBuilder.Build(Input()).ToJsonString(), OciSpecBuilder.Build(Input()).ToJsonString());
    }

    [Fact]
    public void ArgsOf_EntrypointAndCmd_EntrypointFirst()
    {
        Assert.Equal(["/bin/sh", "-c", "run"], OciSpecBuilder.ArgsOf(["/bin/sh", "-c"], ["run"]));
        Assert.Equal(["run"], OciSpecBuilder.ArgsOf(null, ["run"]));
        Assert.Empty(OciSpecBuilder.ArgsOf(null, null));
    }

    [Fact]
    public void EnvOf_ImageAndContract_ContractWinsDefaultsAdded()
    {
        var env = OciSpecBuilder.EnvOf(
            ["PATH=/opt/bin", "GREETING=image", "LANG=C"],
            new Dictionary<string, string> { ["GREETING"] = "config", ["FN_FN_ID"] = "01F" },
            "fnsharp-abc",
            "/home/app");

        Assert.Equal(["PATH=/opt/bin", "GREETING=config", "LANG=C", "FN_FN_ID=01F", "HOSTNAME=fnsharp-abc", "HOME=/home/app"], env);
    }

    [Fact]
    public void EnvOf_ImageWithoutPath_DockersPath()
    {
        var env = OciSpecBuilder.EnvOf(null, new Dictionary<string, string>(), "h", "/");

        Assert.Equal([OciSpecBuilder.DefaultPath, "HOSTNAME=h", "HOME=/"], env);
    }

    private static OciSpecInput Input() => new()
    {
        ContainerId = "fnsharp-abc",
        RootfsPath = "/srv/rootfs",
        Args = ["/app/fn", "--serve"],
        Env = ["FN_FORMAT=http-stream"],
        Cwd = "/app",
        User = new OciUser(1000, 1000, "/"),
        IofsDir = "/tmp/fnsharp-iofs/fnsharp-abc",
        MemoryBytes = Memory,
        Hardening = new ContainerHardening(),
        CgroupsPath = "/fnsharp-node/fnsharp-abc",
        InitPath = "/usr/bin/docker-init",
    };

    private static JsonNode Mount(JsonObject spec, string destination) =>
        spec["mounts"]!.AsArray().Single(m => (string?)m!["destination"] == destination)!;

    private static List<string> Destinations(JsonObject spec) => [.. spec["mounts"]!.AsArray().Select(m => (string)m!["destination"]!)];

    private static List<string> Strings(JsonNode? array) => [.. array!.AsArray().Select(v => (string)v!)];
}
