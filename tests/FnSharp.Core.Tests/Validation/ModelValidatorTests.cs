using FnSharp.Core.Errors;
using FnSharp.Core.Models;
using FnSharp.Core.Validation;
using FnSharp.Testing;

namespace FnSharp.Core.Tests.Validation;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class ModelValidatorTests
{
    private static readonly Fn ValidFn = new() { AppId = "app", Name = "hello", Image = "fnsharp/hello-csharp:latest" };

    [Theory]
    [InlineData("myapp")]
    [InlineData("my_app-2")]
    [InlineData("приложение")]
    [InlineData("アプリ")]
    public void ValidateApp_GoodName_Valid(string name) => Assert.Null(ModelValidator.ValidateApp(new App { Name = name }));

    [Fact]
    public void ValidateApp_NoName_MissingName() =>
        Assert.Equal(ApiErrors.MissingName, ModelValidator.ValidateApp(new App()));

    [Theory]
    [InlineData("my app")]
    [InlineData("my/app")]
    [InlineData("app.name")]
    public void ValidateApp_BadCharacter_InvalidAppName(string name) =>
        Assert.Equal(ApiErrors.InvalidAppName, ModelValidator.ValidateApp(new App { Name = name }));

    [Fact]
    public void ValidateApp_256Characters_InvalidAppName() =>
        Assert.Equal(ApiErrors.InvalidAppName, ModelValidator.ValidateApp(new App { Name = new string('a', 256) }));

    [Fact]
    public void ValidateFn_Complete_Valid() => Assert.Null(ModelValidator.ValidateFn(ValidFn));

    [Fact]
    public void ValidateFn_NoAppId_MissingAppId() =>
        Assert.Equal(ApiErrors.MissingAppId, ModelValidator.ValidateFn(ValidFn with { AppId = "" }));

    [Fact]
    public void ValidateFn_NoName_MissingName() =>
        Assert.Equal(ApiErrors.MissingName, ModelValidator.ValidateFn(ValidFn with { Name = "" }));

    [Fact]
    public void ValidateFn_NameNeedsEscaping_InvalidFnName() =>
        Assert.Equal(ApiErrors.InvalidFnName, ModelValidator.ValidateFn(ValidFn with { Name = "a b" }));

    [Fact]
    public void ValidateFn_NoImage_MissingImage() =>
        Assert.Equal(ApiErrors.MissingImage, ModelValidator.ValidateFn(ValidFn with { Image = "" }));

    [Theory]
    [InlineData(-1)]
    [InlineData(8193)]
    public void ValidateFn_MemoryOutOfRange_Error(int memory) =>
        Assert.Equal(ApiErrors.MemoryOutOfRange, ModelValidator.ValidateFn(ValidFn with { Memory = memory }));

    [Theory]
    [InlineData(-1)]
    [InlineData(301)]
    public void ValidateFn_TimeoutOutOfRange_Error(int timeout) =>
        Assert.Equal(ApiErrors.TimeoutOutOfRange, ModelValidator.ValidateFn(ValidFn with { Timeout = timeout }));

    [Theory]
    [InlineData(-1)]
    [InlineData(3601)]
    public void ValidateFn_IdleTimeoutOutOfRange_Error(int idle) =>
        Assert.Equal(ApiErrors.IdleTimeoutOutOfRange, ModelValidator.ValidateFn(ValidFn with { IdleTimeout = idle }));

    [Fact]
    public void WithDefaults_Zeros_FnDefaults()
    {
        var fn = ValidFn.WithDefaults();

        Assert.Equal((128, 30, 30), (fn.Memory, fn.Timeout, fn.IdleTimeout));
    }
}
