using FnSharp.Server.Invocation;
using FnSharp.Testing;

namespace FnSharp.Server.Tests.Invocation;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class TriggerHeadersTests
{
    [Fact]
    public void ToContainer_ClientHeaders_PrefixedButContentTypeAndHopByHopDropped()
    {
        KeyValuePair<string, string>[] client =
        [
            new("Content-Type", "application/json"),
            new("Accept", "text/plain"),
            new("X-Trace", "a"),
            new("X-Trace", "b"),
            new("Connection", "keep-alive"),
            new("Transfer-Encoding", "chunked"),
        ];

        var headers = TriggerHeaders.ToContainer(client, "PUT", "http://host:8080/t/app/path?q=1");

        Assert.Equal(
            [
                new("Content-Type", "application/json"),
                new("Fn-Http-H-Accept", "text/plain"),
                new("Fn-Http-H-X-Trace", "a"),
                new("Fn-Http-H-X-Trace", "b"),
                new("Fn-Http-Method", "PUT"),
                new("Fn-Http-Request-Url", "http://host:8080/t/app/path?q=1"),
                new("Fn-Intent", "httprequest"),
            ],
            headers);
    }

    [Fact]
    public void FromContainer_FdkStatusAndHeaders_MappedAndOthersDropped()
    {
        KeyValuePair<string, string[]>[] answer =
        [
            new("Fn-Http-Status", ["201"]),
            new("Fn-Http-H-Location", ["/items/7"]),
            new("Fn-Http-H-Set-Cookie", ["a=1", "b=2"]),
            new("Fn-Http-H-Transfer-Encoding", ["chunked"]),
            new("Fn-Http-H-", ["empty name"]),
            new("Content-Type", ["application/json"]),
            new("Fn-Call-Id", ["01ABC"]),
            new("Fn-Fdk-Version", ["fdk-csharp/0.1.0"]),
            new("X-Internal", ["secret"]),
        ];

        var (status, headers) = TriggerHeaders.FromContainer(200, answer);

        Assert.Equal(201, status);
        Assert.Equal(
            [
                new("Location", ["/items/7"]),
                new("Set-Cookie", ["a=1", "b=2"]),
                new("Content-Type", ["application/json"]),
                new("Fn-Call-Id", ["01ABC"]),
            ],
            headers);
    }

    [Theory]
    [InlineData(200, null, 200)]
    [InlineData(200, "404", 404)]
    [InlineData(200, "not-a-number", 200)]
    [InlineData(200, "99", 200)]
    [InlineData(200, "100", 200)]
    [InlineData(200, "101", 200)]
    [InlineData(200, "199", 200)]
    [InlineData(200, "204", 204)]
    [InlineData(200, "999", 999)]
    [InlineData(200, "1000", 200)]
    [InlineData(502, "200", 502)]
    [InlineData(504, "201", 504)]
    [InlineData(399, "201", 201)]
    public void FromContainer_Status_PlatformErrorsWinElseFdkStatus(int platform, string? fdk, int expected)
    {
        KeyValuePair<string, string[]>[] answer = fdk is null ? [] : [new("Fn-Http-Status", [fdk])];

        Assert.Equal(expected, TriggerHeaders.FromContainer(platform, answer).Status);
    }
}
