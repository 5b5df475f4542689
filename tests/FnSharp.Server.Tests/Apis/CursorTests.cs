using FnSharp.Core.Errors;
using FnSharp.Server.Apis;
using FnSharp.Testing;

namespace FnSharp.Server.Tests.Apis;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class CursorTests
{
    [Theory]
    [InlineData(null, 30)]
    [InlineData("", 30)]
    [InlineData("0", 30)]
    [InlineData("-5", 30)]
    [InlineData("1", 1)]
    [InlineData("+7", 7)]
    [InlineData("007", 7)]
    [InlineData("99", 99)]
    [InlineData("100", 100)]
    [InlineData("500", 100)]
    // Integers past int and long, as Fn's strconv.Atoi takes them: the largest int64, so 100; the smallest, so 30.
    [InlineData("99999999999", 100)]
    [InlineData("99999999999999999999999", 100)]
    [InlineData("-99999999999999999999999", 30)]
    public void PageSize_AnyInteger_DefaultedAndCappedAsFnDoes(string? perPage, int expected) =>
        Assert.Equal(expected, Cursor.PageSize(perPage));

    [Theory]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("1e3")]
    [InlineData("+")]
    [InlineData("-")]
    [InlineData(" 12")]
    [InlineData("12 ")]
    [InlineData("١٢")]
    public void PageSize_NotAnInteger_400SayingWhatItTakes(string perPage)
    {
        var error = Assert.Throws<ApiException>(() => Cursor.PageSize(perPage)).Error;

        Assert.Equal(new ApiError(400, $"per_page must be an integer (items per page: 30 when absent or below 1, at most 100), not '{perPage}'"), error);
    }
}
