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

    [Theory]
    [InlineData("1", 1)]
    [InlineData("\"16\"", 16)]
    [InlineData("100000", 100000)]
    public void ValidateFn_MaxConcurrencyWholeNumber_ValidAndRead(string json, int cap)
    {
        var fn = ValidFn with { Annotations = new Dictionary<string, JsonElement> { [FnSharpAnnotations.MaxConcurrency] = JsonDocument.Parse(json).RootElement } };

        Assert.Null(ModelValidator.ValidateFn(fn));
        Assert.Equal(cap, FnSharpAnnotations.MaxConcurrencyOf(fn.Annotations));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("1.5")]
    [InlineData("\"many\"")]
    [InlineData("100001")]
    public void ValidateFn_MaxConcurrencyNotAPositiveWholeNumber_InvalidMaxConcurrency(string json)
    {
        var fn = ValidFn with { Annotations = new Dictionary<string, JsonElement> { [FnSharpAnnotations.MaxConcurrency] = JsonDocument.Parse(json).RootElement } };

        var error = ModelValidator.ValidateFn(fn);

        Assert.Equal(ApiErrors.InvalidMaxConcurrency, error);
        Assert.Equal((400, "Invalid annotation fnsharp.io/max-concurrency: use a whole number from 1 to 100000 (the most calls of the fn that run at once on a node), or remove it for no cap"), (error!.Status, error.Message));
    }

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
    [InlineData("0 0 29 2 *")]
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
    public void ValidateTrigger_CronOnADateThatNeverComes_400SayingItNeverRuns()
    {
        var error = ModelValidator.ValidateTrigger(ValidTrigger with { Type = Trigger.CronType, Source = "0 0 30 2 *" });

        Assert.Equal(400, error?.Status);
        Assert.StartsWith("Invalid cron expression '0 0 30 2 *': it never runs", error?.Message, StringComparison.Ordinal);
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

    [Theory]
    [InlineData("_INBOX.>", true)]
    [InlineData("_INBOX_abc.x", true)]
    [InlineData("$JS.API.>", true)]
    [InlineData("$SYS.>", true)]
    [InlineData(">", true)]
    [InlineData("*.created", true)]
    [InlineData("orders.>", false)]
    [InlineData("orders.*.created", false)]
    [InlineData("inbox.x", false)]
    public void IsReservedNatsSubject_NatsOwnTrafficOrAWildcardFirstToken(string subject, bool reserved) =>
        Assert.Equal(reserved, ModelValidator.IsReservedNatsSubject(subject));

    [Theory]
    [InlineData("orders.created")]
    [InlineData("orders.*")]
    [InlineData("orders.>")]
    public void ValidateTrigger_NatsSubject_Valid(string source) =>
        Assert.Null(ModelValidator.ValidateTrigger(ValidTrigger with { Type = Trigger.NatsType, Source = source }));

    [Theory]
    [InlineData("orders..created")]
    [InlineData("orders created")]
    [InlineData("orders.>.x")]
    public void ValidateTrigger_BadNatsSubject_400NamingIt(string source)
    {
        var error = ModelValidator.ValidateTrigger(ValidTrigger with { Type = Trigger.NatsType, Source = source });

        Assert.Equal(400, error?.Status);
        Assert.StartsWith($"Invalid NATS subject '{source}': use tokens of printable characters", error?.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, JsonElement> Annotation(string key, string json) =>
        new(StringComparer.Ordinal) { [key] = JsonDocument.Parse(json).RootElement.Clone() };

    [Theory]
    [InlineData("", "config key '' is not valid: it is empty; each config key becomes the name of an environment variable in the fn's containers")]
    [InlineData("A=B", "config key 'A=B' is not valid: it contains '=', where the variable's name would end; each config key becomes the name of an environment variable in the fn's containers")]
    [InlineData("A\0B", "config key 'A\\0B' is not valid: it contains NUL (\\0); each config key becomes the name of an environment variable in the fn's containers")]
    public void ValidateConfig_KeyTheEngineRefuses_400NamingTheKey(string key, string message)
    {
        var error = ModelValidator.ValidateConfig(new Dictionary<string, string> { ["GOOD"] = "1", [key] = "v" });

        Assert.Equal((400, message), (error?.Status, error?.Message));
    }

    [Fact]
    public void ValidateConfig_NulInValue_400NamingTheKey()
    {
        var error = ModelValidator.ValidateConfig(new Dictionary<string, string> { ["TOKEN"] = "ab\0c" });

        Assert.Equal((400, "config value of 'TOKEN' is not valid: it contains NUL (\\0), which an environment variable cannot hold"), (error?.Status, error?.Message));
    }

    [Theory]
    [InlineData("A B")]
    [InlineData("1A")]
    [InlineData("a.b-c")]
    [InlineData("ÄÖ")]
    [InlineData("A\nB")]
    [InlineData("\u001b")]
    public void ValidateConfig_KeysAProcessReceives_ValidAsInFn(string key) =>
        Assert.Null(ModelValidator.ValidateConfig(new Dictionary<string, string> { [key] = "value\nwith lines", ["EMPTY"] = "" }));

    [Fact]
    public void ValidateConfig_EntryAtTheKernelsLimit_Valid() =>
        Assert.Null(ModelValidator.ValidateConfig(new Dictionary<string, string> { ["A"] = new string('x', ModelValidator.MaxConfigEntryBytes - 2) }));

    [Fact]
    public void ValidateConfig_EntryOneByteOver_400WithItsLength()
    {
        // "é" takes two bytes of UTF-8: the limit is in bytes, not characters.
        var error = ModelValidator.ValidateConfig(new Dictionary<string, string> { ["A"] = "é" + new string('x', ModelValidator.MaxConfigEntryBytes - 3) });

        Assert.Equal("config entry 'A' is too long: 131072 bytes as KEY=VALUE in UTF-8, more than the 131071 one environment variable may take", error?.Message);
    }

    [Fact]
    public void ValidateConfig_TotalAtTheLimit_ValidAndOneByteMoreRefused()
    {
        // Eight entries of K0..K7 (2 bytes) plus a value, 10 bytes each besides: 983040 bytes in all.
        var value = new string('x', (ModelValidator.MaxConfigBytes / 8) - 2 - ModelValidator.ConfigEntryOverheadBytes);
        var config = Enumerable.Range(0, 8).ToDictionary(i => "K" + i, _ => value);

        Assert.Null(ModelValidator.ValidateConfig(config));
        config["K0"] += "x";
        Assert.Equal(
            "config is too large: its 8 entries take 983041 bytes of a container's environment (key and value in UTF-8 plus 10 each), more than 983040 (960 KiB)",
            ModelValidator.ValidateConfig(config)?.Message);
    }

    [Fact]
    public void ValidateConfig_LongKey_ShownCut()
    {
        var error = ModelValidator.ValidateConfig(new Dictionary<string, string> { [new string('K', 100) + "="] = "v" });

        Assert.Equal($"config key '{new string('K', 64)}...' is not valid: it contains '=', where the variable's name would end; each config key becomes the name of an environment variable in the fn's containers", error?.Message);
    }

    [Fact]
    public void ValidateAppAndFn_BadConfig_RefusedAfterFnsOwnChecks()
    {
        var config = new Dictionary<string, string> { [""] = "v" };

        Assert.Equal(400, ModelValidator.ValidateApp(new App { Name = "a", Config = config })?.Status);
        Assert.Equal(400, ModelValidator.ValidateFn(ValidFn with { Config = config })?.Status);
        Assert.Equal(ApiErrors.MissingImage, ModelValidator.ValidateFn(ValidFn with { Image = "", Config = config }));
    }

    private static readonly Trigger ValidTrigger = new() { AppId = "app", FnId = "fn", Name = "триггер", Type = "http", Source = "/hook" };
}
