using FnSharp.Docker.Runc;
using FnSharp.Testing;

namespace FnSharp.Docker.Tests.Runc;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class RuncDriverOptionsTests
{
    [Fact]
    public void Problem_DockerDriver_None()
    {
        Assert.Null(new RuncDriverOptions { RuncPath = "/nonexistent/runc" }.Problem());
    }

    [Fact]
    public void Problem_RuncMissing_SaysWhatToInstall()
    {
        var problem = new RuncDriverOptions { Driver = ContainerDriverKind.Runc, RuncPath = "/nonexistent/runc" }.Problem();

        Assert.Equal("is runc, but FN_RUNC_PATH '/nonexistent/runc' is not found: install Debian's runc (apt-get install runc; docker.io installs it too) or set FN_RUNC_PATH to its path.", problem);
    }

    [Fact]
    public void ResolveRuncPath_NameNotOnPath_Null()
    {
        Assert.Null(new RuncDriverOptions { RuncPath = "no-such-runc-" + Guid.NewGuid().ToString("N") }.ResolveRuncPath());
    }
}
