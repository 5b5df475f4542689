using FnSharp.Docker.Runc;
using FnSharp.Testing;

namespace FnSharp.Docker.Tests.Runc;

/// <summary>A Docker user resolved against the image's files, as Docker resolves it.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class OciUserTests
{
    private const string Passwd = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001:app:/home/app:/bin/sh\n";
    private const string Group = "root:x:0:\nstaff:x:50:\n";

    [Theory]
    [InlineData("", 0u, 0u, "/root")]
    [InlineData(null, 0u, 0u, "/root")]
    [InlineData("1000:1000", 1000u, 1000u, "/home/app")]
    [InlineData("1000", 1000u, 1001u, "/home/app")]
    [InlineData("app", 1000u, 1001u, "/home/app")]
    [InlineData("app:staff", 1000u, 50u, "/home/app")]
    [InlineData("2000", 2000u, 0u, "/")]
    [InlineData("2000:7", 2000u, 7u, "/")]
    public void Resolve_DockerForms_NumericUser(string? user, uint uid, uint gid, string home)
    {
        var (resolved, problem) = OciUser.Resolve(user, Passwd, Group);

        Assert.Null(problem);
        Assert.Equal(new OciUser(uid, gid, home), resolved);
    }

    [Fact]
    public void Resolve_NumericUserWithoutPasswd_Resolved()
    {
        Assert.Equal(new OciUser(1000, 1000, "/"), OciUser.Resolve("1000:1000", null, null).User);
    }

    [Theory]
    [InlineData("nobody", "user 'nobody' is not in the image's /etc/passwd")]
    [InlineData("app:wheel", "group 'wheel' is not in the image's /etc/group")]
    public void Resolve_NameTheImageLacks_Problem(string user, string problem)
    {
        Assert.Equal((null, problem), OciUser.Resolve(user, Passwd, Group));
    }
}
