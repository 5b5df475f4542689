using System.Text.Json;
using FnSharp.Core.Errors;
using FnSharp.Core.Models;
using FnSharp.Core.Updates;
using FnSharp.Testing;

namespace FnSharp.Core.Tests.Updates;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class ModelMergerTests
{
    private static readonly DateTimeOffset Created = new(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Later = Created.AddMinutes(1);

    private static readonly App CurrentApp = new()
    {
        Id = "A",
        Name = "app",
        Config = new Dictionary<string, string> { ["KEEP"] = "1", ["DROP"] = "2" },
        Annotations = Annotations("""{"keep":1,"drop":"x","nul":"y"}"""),
        SyslogUrl = "tcp://a:1",
        CreatedAt = Created,
        UpdatedAt = Created,
    };

    private static readonly Fn CurrentFn = new() { Id = "F", AppId = "A", Name = "f", Image = "i:1", Memory = 128, Timeout = 30, IdleTimeout = 30, CreatedAt = Created, UpdatedAt = Created };

    private static readonly Trigger CurrentTrigger = new() { Id = "T", AppId = "A", FnId = "F", Name = "t", Type = "http", Source = "/t", CreatedAt = Created, UpdatedAt = Created };

    [Fact]
    public void MergeApp_ConfigEmptyStringDeletesAnnotationsEmptyOrNullDelete()
    {
        var merged = ModelMerger.MergeApp(CurrentApp, new App { Config = new Dictionary<string, string> { ["DROP"] = "", ["NEW"] = "3" }, Annotations = Annotations("""{"drop":"","nul":null,"new":{"a":1}}""") }, Later);

        Assert.Equal(new Dictionary<string, string> { ["KEEP"] = "1", ["NEW"] = "3" }, merged.Config);
        Assert.Equal(["keep", "new"], merged.Annotations.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("tcp://a:1", Created, Later), (merged.SyslogUrl, merged.CreatedAt, merged.UpdatedAt));
    }

    [Theory]
    [InlineData(null, "tcp://a:1")]
    [InlineData("", null)]
    [InlineData("udp://b:2", "udp://b:2")]
    public void MergeApp_SyslogUrl_AbsentKeepsEmptyClearsValueSets(string? patch, string? expected) =>
        Assert.Equal(expected, ModelMerger.MergeApp(CurrentApp, new App { SyslogUrl = patch }, Later).SyslogUrl);

    [Fact]
    public void MergeApp_NothingChanged_SameUpdatedAt() =>
        Assert.Equal(Created, ModelMerger.MergeApp(CurrentApp, new App { Name = "app", Id = "A", Config = new Dictionary<string, string> { ["KEEP"] = "1" } }, Later).UpdatedAt);

    [Theory]
    [InlineData("other", "", 409, "Could not update - name is immutable")]
    [InlineData("", "B", 400, "App ID in path does not match ID in body")]
    public void MergeApp_NameOrIdChanged_Refused(string name, string id, int status, string message)
    {
        var e = Assert.Throws<ApiException>(() => ModelMerger.MergeApp(CurrentApp, new App { Name = name, Id = id }, Later));

        Assert.Equal(new ApiError(status, message), e.Error);
    }

    [Fact]
    public void MergeApp_ResultInvalid_ValidationError() =>
        Assert.Equal(ApiErrors.InvalidAppShape, Assert.Throws<ApiException>(() => ModelMerger.MergeApp(CurrentApp, new App { Shape = "x" }, Later)).Error);

    [Fact]
    public void MergeFn_ZerosAndEmptiesKeepValuesOthersSet()
    {
        var merged = ModelMerger.MergeFn(CurrentFn, new Fn { Name = "g", Memory = 512 }, Later);

        Assert.Equal(("g", "i:1", 512, 30, 30, Later), (merged.Name, merged.Image, merged.Memory, merged.Timeout, merged.IdleTimeout, merged.UpdatedAt));
    }

    [Fact]
    public void MergeFn_OtherApp_Refused() =>
        Assert.Equal(ApiErrors.FnAppIdImmutable, Assert.Throws<ApiException>(() => ModelMerger.MergeFn(CurrentFn, new Fn { AppId = "B" }, Later)).Error);

    [Fact]
    public void MergeFn_ResultOutOfRange_ValidationError() =>
        Assert.Equal(ApiErrors.IdleTimeoutOutOfRange, Assert.Throws<ApiException>(() => ModelMerger.MergeFn(CurrentFn, new Fn { IdleTimeout = 4000 }, Later)).Error);

    [Fact]
    public void MergeTrigger_NameSourceAnnotations_Set()
    {
        var merged = ModelMerger.MergeTrigger(CurrentTrigger, new Trigger { Name = "u", Source = "/u", Type = "http", Annotations = Annotations("""{"a":1}""") }, Later);

        Assert.Equal(("u", "/u", "F", 1, Later), (merged.Name, merged.Source, merged.FnId, merged.Annotations["a"].GetInt32(), merged.UpdatedAt));
    }

    [Theory]
    [InlineData("B", "", "")]
    [InlineData("", "G", "")]
    [InlineData("", "", "cron")]
    public void MergeTrigger_AppFnOrTypeChanged_Refused(string appId, string fnId, string type) =>
        Assert.Equal(ApiErrors.TriggerImmutableField, Assert.Throws<ApiException>(() => ModelMerger.MergeTrigger(CurrentTrigger, new Trigger { AppId = appId, FnId = fnId, Type = type }, Later)).Error);

    [Fact]
    public void CleanConfig_NullValue_EmptyString()
    {
        var config = JsonSerializer.Deserialize<Dictionary<string, string>>("""{"A":null,"B":"b"}""")!;

        Assert.Equal(new Dictionary<string, string> { ["A"] = "", ["B"] = "b" }, ModelMerger.CleanConfig(config));
    }

    private static Dictionary<string, JsonElement> Annotations(string json) => JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;
}
