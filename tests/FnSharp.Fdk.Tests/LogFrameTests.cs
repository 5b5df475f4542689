using FnSharp.Testing;
using Microsoft.AspNetCore.Http;

namespace FnSharp.Fdk.Tests;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class LogFrameTests
{
    [Fact]
    public void Write_HeaderPresent_MarkerLineOnStdoutAndStderr()
    {
        var frame = new LogFrame("fnsharp-frame", "Fn-Call-Id");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        frame.Write(new HeaderDictionary { ["Fn-Call-Id"] = "01CALL" }, stdout, stderr);

        Assert.Equal("\nfnsharp-frame=01CALL\n", stdout.ToString());
        Assert.Equal("\nfnsharp-frame=01CALL\n", stderr.ToString());
    }

    [Fact]
    public void Write_HeaderAbsent_NothingWritten()
    {
        var frame = new LogFrame("fnsharp-frame", "Fn-Call-Id");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        frame.Write(new HeaderDictionary(), stdout, stderr);

        Assert.Equal(string.Empty, stdout.ToString());
        Assert.Equal(string.Empty, stderr.ToString());
    }
}
