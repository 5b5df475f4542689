using FnSharp.Testing;

namespace FnSharp.Fdk.Tests;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class FnHttpContextTests
{
    [Fact]
    public void FromCallHeaders_NoIntent_Null()
    {
        var headers = Headers(("Fn-Call-Id", "c"), ("Fn-Http-Method", "GET"), ("Fn-Http-H-Accept", "*/*"));

        Assert.Null(FnHttpContext.FromCallHeaders(headers));
    }

    [Fact]
    public void FromCallHeaders_OtherIntent_Null() => Assert.Null(FnHttpContext.FromCallHeaders(Headers(("Fn-Intent", "cloudevent"))));

    [Fact]
    public void FromCallHeaders_HttpRequestIntent_MethodUrlAndUnprefixedHeaders()
    {
        var headers = Headers(
            ("Fn-Intent", "httprequest"),
            ("Fn-Http-Method", "PUT"),
            ("Fn-Http-Request-Url", "http://host:8080/t/app/orders?id=3"),
            ("Fn-Http-H-Accept", "text/html"),
            ("fn-http-h-x-custom", "a, b"),
            ("Content-Type", "application/json"),
            ("Fn-Call-Id", "c"),
            ("Fn-Deadline", "2099-01-01T00:00:00.000Z"));

        var http = FnHttpContext.FromCallHeaders(headers);

        Assert.NotNull(http);
        Assert.Equal("PUT", http.Method);
        Assert.Equal("http://host:8080/t/app/orders?id=3", http.RequestUrl);
        Assert.Equal(
            [KeyValuePair.Create("Accept", "text/html"), KeyValuePair.Create("Content-Type", "application/json"), KeyValuePair.Create("x-custom", "a, b")],
            http.Headers.OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase));
        Assert.Equal("a, b", http.Headers["X-Custom"]);
        Assert.Equal(200, http.StatusCode);
        Assert.Empty(http.ResponseHeaders);
    }

    [Fact]
    public void FromCallHeaders_IntentWithoutMethodOrUrl_Empty()
    {
        var http = FnHttpContext.FromCallHeaders(Headers(("Fn-Intent", "httprequest")));

        Assert.NotNull(http);
        Assert.Equal((string.Empty, string.Empty), (http.Method, http.RequestUrl));
        Assert.Empty(http.Headers);
    }

    private static Dictionary<string, string> Headers(params (string Name, string Value)[] headers) =>
        headers.ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase);
}
