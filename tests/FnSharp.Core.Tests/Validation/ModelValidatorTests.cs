using System.Text.Json;
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

    [Theory]
    [InlineData("")]
    [InlineData("GENERIC_X86")]
    [InlineData("GENERIC_ARM")]
    [InlineData("GENERIC_X86_ARM")]
    public void ValidateApp_KnownShape_Valid(string shape) => Assert.Null(ModelValidator.ValidateApp(new App { Name = "a", Shape = shape }));

    [Fact]
    public void ValidateApp_UnknownShape_InvalidAppShape() =>
        Assert.Equal(ApiErrors.InvalidAppShape, ModelValidator.ValidateApp(new App { Name = "a", Shape = "generic_x86" }));

    [Theory]
    [InlineData("udp://logs:514")]
    [InlineData("tcp://logs:514")]
    [InlineData("tcp+tls://logs:6514")]
    [InlineData("unix:///dev/log")]
    [InlineData("unixgram:///dev/log")]
    [InlineData("tcp://a:1, udp://b:2")]
    public void ValidateSyslogUrl_SupportedSchemes_Valid(string url) => Assert.Null(ModelValidator.ValidateSyslogUrl(url));

    [Theory]
    [InlineData("http://logs:514", "invalid syslog url: 'http://logs:514' has the scheme 'http'; use udp, tcp, unix, unixgram or tcp+tls")]
    [InlineData("logs:514", "invalid syslog url: 'logs:514' has the scheme 'logs'; use udp, tcp, unix, unixgram or tcp+tls")]
    [InlineData("not a url", "invalid syslog url: 'not a url' is not an absolute URL such as tcp://logs.example.com:514")]
    [InlineData("", "invalid syslog url: '' is not an absolute URL such as tcp://logs.example.com:514")]
    public void ValidateSyslogUrl_Bad_MessageSaysWhy(string url, string message) =>
        Assert.Equal(new ApiError(400, message), ModelValidator.ValidateSyslogUrl(url));

    [Theory]
    [InlineData("k", "\"v\"", null)]
    [InlineData("!~", "1.5", null)]
    [InlineData("k", "{}", null)]
    [InlineData("k", "[]", null)]
    [InlineData("a b", "1", "Invalid annotation key, annotation keys must be non-empty ascii strings excluding whitespace")]
    [InlineData("tab\t", "1", "Invalid annotation key, annotation keys must be non-empty ascii strings excluding whitespace")]
    [InlineData("ü", "1", "Invalid annotation key, annotation keys must be non-empty ascii strings excluding whitespace")]
    [InlineData("k", "\"\"", "Invalid annotation value, annotation values may only be non-empty strings, numbers, objects, or arrays")]
    [InlineData("k", "null", "Invalid annotation value, annotation values may only be non-empty strings, numbers, objects, or arrays")]
    [InlineData("k", "false", "Invalid annotation value, annotation values may only be non-empty strings, numbers, objects, or arrays")]
    public void ValidateAnnotations_OneEntry_FnsRule(string key, string json, string? message)
    {
        var annotations = new Dictionary<string, JsonElement> { [System.Text.RegularExpressions.Regex.Unescape(key)] = JsonDocument.Parse(json).RootElement };

        Assert.Equal(message, ModelValidator.ValidateAnnotations(annotations)?.Message);
    }

    [Fact]
    public void ValidateAnnotations_ValueSizeCountsCompactJson_WhitespaceIgnored()
    {
        var padded = "[" + string.Join(", ", Enumerable.Repeat("1", 255)) + "]";

        Assert.Null(ModelValidator.ValidateAnnotations(new Dictionary<string, JsonElement> { ["k"] = JsonDocument.Parse(padded).RootElement }));
    }

    [Fact]
    public void ValidateTrigger_Complete_Valid() => Assert.Null(ModelValidator.ValidateTrigger(ValidTrigger));

    [Fact]
    public void ValidateTrigger_EachMissingField_FnsErrorInFnsOrder()
    {
        Assert.Equal(ApiErrors.MissingAppId, ModelValidator.ValidateTrigger(new Trigger()));
        Assert.Equal(ApiErrors.MissingName, ModelValidator.ValidateTrigger(ValidTrigger with { Name = "" }));
        Assert.Equal(ApiErrors.InvalidTriggerName, ModelValidator.ValidateTrigger(ValidTrigger with { Name = "a/b" }));
        Assert.Equal(ApiErrors.MissingFnId, ModelValidator.ValidateTrigger(ValidTrigger with { FnId = "" }));
        Assert.Equal(ApiErrors.TriggerTypeUnknown, ModelValidator.ValidateTrigger(ValidTrigger with { Type = "HTTP" }));
        Assert.Equal(ApiErrors.MissingTriggerSource, ModelValidator.ValidateTrigger(ValidTrigger with { Source = "" }));
        Assert.Equal(ApiErrors.MissingTriggerSourcePrefix, ModelValidator.ValidateTrigger(ValidTrigger with { Source = "x" }));
    }

    [Theory]
    [InlineData("0 */5 * * * *")]
    [InlineData("*/5 * * * *")]
    public void ValidateTrigger_CronExpression_Valid(string source) =>
        Assert.Null(ModelValidator.ValidateTrigger(ValidTrigger with { Type = Trigger.CronType, Source = source }));

    [Fact]
    public void ValidateTrigger_BadCronExpression_400SayingWhat()
    {
        var error = ModelValidator.ValidateTrigger(ValidTrigger with { Type = Trigger.CronType, Source = "99 * * * *" });

        Assert.Equal(400, error?.Status);
        Assert.StartsWith("Invalid cron expression '99 * * * *': ", error?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateTrigger_UnknownCronZone_400NamingTheAnnotation()
    {
        var error = ModelValidator.ValidateTrigger(ValidTrigger with { Type = Trigger.CronType, Source = "0 9 * * *", Annotations = Annotation(FnSharpAnnotations.CronTimezone, "\"Europe/Nowhere\"") });

        Assert.Equal(400, error?.Status);
        Assert.Contains("fnsharp.io/cron-timezone 'Europe/Nowhere'", error?.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(FnSharpAnnotations.CronPaused, "\"yes\"")]
    [InlineData(FnSharpAnnotations.CronPaused, "1")]
    [InlineData(FnSharpAnnotations.CronOverlap, "\"drop\"")]
    public void ValidateTrigger_BadCronAnnotation_400(string key, string json)
    {
        var error = ModelValidator.ValidateTrigger(ValidTrigger with { Type = Trigger.CronType, Source = "* * * * *", Annotations = Annotation(key, json) });

        Assert.Equal(key == FnSharpAnnotations.CronPaused ? ApiErrors.InvalidCronPaused : ApiErrors.InvalidCronOverlap, error);
    }

    [Theory]
    [InlineData("orders", true)]
    [InlineData("orders.*.created", true)]
    [InlineData("orders.>", true)]
    [InlineData("orders..created", false)]
    [InlineData("orders created", false)]
    [InlineData("orders.>.x", false)]
    [InlineData("ord*", false)]
    public void IsNatsSubject_Tokens(string subject, bool valid) =>
        Assert.Equal(valid, ModelValidator.IsNatsSubject(subject));

    private static Dictionary<string, JsonElement> Annotation(string key, string json) =>
        new(StringComparer.Ordinal) { [key] = JsonDocument.Parse(json).RootElement.Clone() };

    private static readonly Trigger ValidTrigger = new() { AppId = "app", FnId = "fn", Name = "триггер", Type = "http", Source = "/hook" };
}
