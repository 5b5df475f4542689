using System.Runtime.InteropServices;
using FnSharp.Core.Errors;
using FnSharp.Server.Apis;
using FnSharp.Testing;
using Microsoft.AspNetCore.Http;

namespace FnSharp.Server.Tests.Apis;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class ApiJsonTests
{
    [Theory]
    [InlineData(0, true)]
    [InlineData(2, true)]
    [InlineData(ApiJson.ReadChunkBytes - 1, true)]
    [InlineData(ApiJson.ReadChunkBytes, true)]
    [InlineData(100_000, true)]
    [InlineData(0, false)]
    [InlineData(2, false)]
    [InlineData(ApiJson.ReadChunkBytes, false)]
    [InlineData(100_000, false)]
    public async Task ReadBodyAsync_WithOrWithoutContentLength_WholeBody(int size, bool declared)
    {
        var body = Bytes(size);

        var read = await ApiJson.ReadBodyAsync(Request(body, declared, piece: 1000), maxBytes: 1_000_000, CancellationToken.None);

        Assert.Equal(body, read.ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(ApiJson.ReadChunkBytes - 1)]
    public async Task ReadBodyAsync_SmallContentLength_OneArrayOfItsSize(int size)
    {
        // The end of the body is seen in the byte past it; nothing grows.
        var read = await ApiJson.ReadBodyAsync(Request(Bytes(size), declared: true, piece: 7), maxBytes: 1_000_000, CancellationToken.None);

        Assert.True(MemoryMarshal.TryGetArray(read, out var array));
        Assert.Equal(size + 1, array.Array!.Length);
    }

    [Fact]
    public async Task ReadBodyAsync_UnknownLength_FirstChunkHoldsASmallBody()
    {
        var read = await ApiJson.ReadBodyAsync(Request(Bytes(2), declared: false, piece: 1), maxBytes: 1_000_000, CancellationToken.None);

        Assert.True(MemoryMarshal.TryGetArray(read, out var array));
        Assert.Equal(ApiJson.ReadChunkBytes, array.Array!.Length);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ReadBodyAsync_OverTheLimit_413(bool declared)
    {
        var error = await Assert.ThrowsAsync<ApiException>(() => ApiJson.ReadBodyAsync(Request(Bytes(5000), declared, piece: 1000), maxBytes: 2500, CancellationToken.None));

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, error.Error.Status);
    }

    private static HttpRequest Request(byte[] body, bool declared, int piece)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new PiecesStream(body, piece);
        context.Request.ContentLength = declared ? body.Length : null;
        return context.Request;
    }

    private static byte[] Bytes(int size) => [.. Enumerable.Range(0, size).Select(i => (byte)(i % 251))];

    /// <summary>A body that arrives at most <paramref name="piece"/> bytes a read, as a socket hands it over.</summary>
    private sealed class PiecesStream(byte[] body, int piece) : MemoryStream(body, writable: false)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, piece)], cancellationToken);
    }
}
