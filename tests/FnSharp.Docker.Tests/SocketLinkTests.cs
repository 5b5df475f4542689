using System.Net.Sockets;
using FnSharp.Testing;

namespace FnSharp.Docker.Tests;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class SocketLinkTests : IDisposable
{
    private readonly string _directory = TestDirectories.Create("fnsharp-link-");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("phonylsnr.sock", true)]
    [InlineData("lsnr.sock.tmp", true)]
    [InlineData("/tmp/iofs/phonylsnr.sock", false)]
    [InlineData("../phonylsnr.sock", false)]
    [InlineData("sub/phonylsnr.sock", false)]
    [InlineData("..", false)]
    [InlineData(".", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsValidTarget_Target_PlainNamesOnly(string? target, bool valid) => Assert.Equal(valid, SocketLink.IsValidTarget(target));

    [Fact]
    public void GetKind_SocketLinkFileAndNothing_TypesByLstat()
    {
        var socketPath = Path.Combine(_directory, "phonylsnr.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        var link = Path.Combine(_directory, "lsnr.sock");
        File.CreateSymbolicLink(link, "phonylsnr.sock");
        var file = Path.Combine(_directory, "file");
        File.WriteAllText(file, "x");

        Assert.Equal(UnixFileKind.Socket, UnixFiles.GetKind(socketPath));
        Assert.Equal(UnixFileKind.SymbolicLink, UnixFiles.GetKind(link));
        Assert.Equal(UnixFileKind.Regular, UnixFiles.GetKind(file));
        Assert.Equal(UnixFileKind.Directory, UnixFiles.GetKind(_directory));
        Assert.Null(UnixFiles.GetKind(Path.Combine(_directory, "missing")));
    }
}
