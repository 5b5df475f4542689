using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FnSharp.Core.Json;
using FnSharp.Core.Models;
using FnSharp.Testing;

namespace FnSharp.Core.Tests.Json;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class GoJsonConventionsTests
{
    private static readonly JsonSerializerOptions Options = new()
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver().WithAddedModifier(GoJsonConventions.Apply),
    };

    // The server's: null refused for a non-nullable field, except where the conventions read it as absent.
    private static readonly JsonSerializerOptions Strict = new(Options) { RespectNullableAnnotations = true };

    [Fact]
    public void Serialize_EmptyMapsAndShape_LeftOutAsGoOmitempty()
    {
        var created = new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

        var app = JsonSerializer.Serialize(new App { Id = "A", Name = "a", CreatedAt = created, UpdatedAt = created }, Options);
        var fn = JsonSerializer.Serialize(new Fn { Id = "F", Name = "f", AppId = "A", Image = "i", Memory = 128, Timeout = 30, IdleTimeout = 30, CreatedAt = created, UpdatedAt = created }, Options);
        var trigger = JsonSerializer.Serialize(new Trigger { Id = "T", Name = "t", AppId = "A", FnId = "F", Type = "http", Source = "/s", CreatedAt = created, UpdatedAt = created }, Options);

        Assert.Equal("""{"id":"A","name":"a","created_at":"2026-12-05T10:00:00.000Z","updated_at":"2026-12-05T10:00:00.000Z"}""", app);
        // A fn's config has no omitempty in Fn's model: always written, null when empty as Fn's store reads it back.
        Assert.Equal("""{"id":"F","name":"f","app_id":"A","image":"i","memory":128,"timeout":30,"idle_timeout":30,"config":null,"created_at":"2026-12-05T10:00:00.000Z","updated_at":"2026-12-05T10:00:00.000Z"}""", fn);
        Assert.Equal("""{"id":"T","name":"t","app_id":"A","fn_id":"F","type":"http","source":"/s","created_at":"2026-12-05T10:00:00.000Z","updated_at":"2026-12-05T10:00:00.000Z"}""", trigger);
    }

    [Fact]
    public void Serialize_MapsInInsertionOrder_KeysInUtf8ByteOrder()
    {
        var annotations = new Dictionary<string, JsonElement> { ["z"] = JsonSerializer.SerializeToElement(1), ["a"] = JsonSerializer.SerializeToElement(2) };
        var app = new App { Config = new Dictionary<string, string> { ["b"] = "1", ["\U0001F600"] = "2", ["\uFFFF"] = "3", ["A"] = "4" }, Annotations = annotations, Shape = "GENERIC_X86" };

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(app, Options));

        Assert.Equal(["A", "b", "\uFFFF", "\U0001F600"], json.RootElement.GetProperty("config").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["a", "z"], json.RootElement.GetProperty("annotations").EnumerateObject().Select(p => p.Name));
        Assert.Equal("GENERIC_X86", json.RootElement.GetProperty("shape").GetString());
    }

    [Fact]
    public void Serialize_FnEmptyConfig_NullUnlessMadeAsFnsCreateAndMergeMakeIt()
    {
        var fn = new Fn { Config = new Dictionary<string, string>() };

        Assert.Equal("null", JsonDocument.Parse(JsonSerializer.Serialize(fn, Strict)).RootElement.GetProperty("config").GetRawText());
        Assert.Equal("{}", JsonDocument.Parse(JsonSerializer.Serialize(GoJsonConventions.WithConfigMade(fn), Strict)).RootElement.GetProperty("config").GetRawText());
        Assert.Equal("""{"A":"1"}""", JsonDocument.Parse(JsonSerializer.Serialize(GoJsonConventions.WithConfigMade(fn with { Config = new Dictionary<string, string> { ["A"] = "1" } }), Strict)).RootElement.GetProperty("config").GetRawText());
    }

    [Theory]
    [InlineData("""{"image":"i"}""", false)]
    [InlineData("""{"config":null}""", false)]
    [InlineData("""{"config":{}}""", true)]
    [InlineData("""{"config":{"A":""}}""", true)]
    public void SentConfig_Body_WhetherItCarriedAConfigObject(string body, bool sent)
    {
        Assert.Equal(sent, GoJsonConventions.SentConfig(JsonSerializer.Deserialize<Fn>(body, Strict)!));
    }

    [Fact]
    public void Deserialize_FnConfigNullWithoutTheConventions_Empty()
    {
        // A client's plain options (FnSharp.Client's) read Fn's "config": null as no entries, never a null map.
        Assert.Empty(JsonSerializer.Deserialize<Fn>("""{"config":null}""")!.Config);
    }

    [Fact]
    public void Deserialize_NullFields_ReadAsLeftOut()
    {
        var app = JsonSerializer.Deserialize<App>("""{"name":null,"config":null,"annotations":null,"syslog_url":null,"shape":null,"created_at":null}""", Strict)!;
        var fn = JsonSerializer.Deserialize<Fn>("""{"id":null,"app_id":null,"image":null,"memory":null,"timeout":null,"idle_timeout":null,"config":null,"updated_at":null}""", Strict)!;
        var trigger = JsonSerializer.Deserialize<Trigger>("""{"type":null,"source":null,"annotations":null}""", Strict)!;

        Assert.Equal(new App(), app);
        Assert.Equal(new Fn(), fn);
        Assert.Equal(new Trigger(), trigger);
    }

    [Fact]
    public void Deserialize_ValuesBesideNulls_ReadAsSent()
    {
        var fn = JsonSerializer.Deserialize<Fn>("""{"name":"f","memory":256,"config":{"A":"1"},"created_at":"2026-12-05T10:00:00.5Z","image":null}""", Strict)!;

        Assert.Equal(("f", 256, "1", new DateTimeOffset(2026, 12, 5, 10, 0, 0, 500, TimeSpan.Zero), ""), (fn.Name, fn.Memory, fn.Config["A"], fn.CreatedAt, fn.Image));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Fn>("""{"memory":"lots"}""", Strict));
    }

    [Theory]
    [InlineData("a", "b", -1)]
    [InlineData("ab", "a", 1)]
    [InlineData("", "", 0)]
    // UTF-16 (ordinal) puts the surrogate pair of U+1F600 before U+FFFF; Go's byte order puts it after.
    [InlineData("\uFFFF", "\U0001F600", -1)]
    public void Utf8Order_Strings_ComparedAsTheirUtf8Bytes(string left, string right, int expected)
    {
        Assert.Equal(expected, Math.Sign(GoJsonConventions.Utf8Order.Compare(left, right)));
    }
}
