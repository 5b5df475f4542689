using FnSharp.Testing;

namespace FnSharp.Client.Tests;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class FnApiExceptionTests
{
    [Theory]
    [InlineData("""{"message":"Missing image"}""", "Missing image")]
    [InlineData("""{"message":"Invalid JSON","detail":"memory must be an integer."}""", "Invalid JSON: memory must be an integer.")]
    [InlineData("""{"message":"Timed out","reason":"wait_time","detail":""}""", "Timed out")]
    [InlineData("""{"message":5}""", null)]
    [InlineData("""["message"]""", null)]
    [InlineData("<html>bad gateway</html>", null)]
    [InlineData("", null)]
    public void MessageOf_FnErrorBody_MessageWithDetailWhenThere(string body, string? expected)
    {
        Assert.Equal(expected, FnApiException.MessageOf(body));
    }
}
