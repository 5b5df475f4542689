using System.Text.Json;
using FnSharp.Core.Errors;
using FnSharp.Core.Models;
using FnSharp.Core.Validation;
using FnSharp.Testing;

namespace FnSharp.Core.Tests.Validation;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class DestinationGraphTests
{
    [Fact]
    public void Resolve_IdFirstThenName()
    {
        var named = Fn("01A", "01B");
        var withId = Fn("01B", "other");

        Assert.Same(withId, DestinationGraph.Resolve("01B", [named, withId]));
        Assert.Same(named, DestinationGraph.Resolve("01B", [named]));
        Assert.Null(DestinationGraph.Resolve("nosuch", [named, withId]));
    }

    [Fact]
    public void FindLoop_Chain_None()
    {
        var a = Fn("1", "a", success: "b");
        var b = Fn("2", "b", failure: "c");
        var c = Fn("3", "c");

        Assert.Null(DestinationGraph.FindLoop(a, [a, b, c]));
        Assert.Null(DestinationGraph.Validate(a, [a, b, c], "app"));
    }

    [Fact]
    public void FindLoop_ThroughOnFailureOfAnother_TheLoopInOrder()
    {
        var a = Fn("1", "a", success: "b", failure: "c");
        var b = Fn("2", "b");
        var c = Fn("3", "c", success: "d");
        var d = Fn("4", "d", failure: "1");

        Assert.Equal(["a", "c", "d", "a"], DestinationGraph.FindLoop(a, [a, b, c, d])!.Select(f => f.Name));
        Assert.Equal(ApiErrors.DestinationLoop(FnSharpAnnotations.OnFailure, "c", ["a", "c", "d", "a"]), DestinationGraph.Validate(a, [b, c, d], "app"));
    }

    [Fact]
    public void Validate_TheNewVersionStandsForTheStoredOne()
    {
        // Stored, a names b and b names nothing; b's update would name a.
        var a = Fn("1", "a", success: "b");
        var stored = Fn("2", "b");
        var updated = Fn("2", "b", success: "a");

        Assert.Null(DestinationGraph.Validate(a, [a, stored], "app"));
        Assert.Equal(ApiErrors.DestinationLoop(FnSharpAnnotations.OnSuccess, "a", ["b", "a", "b"]), DestinationGraph.Validate(updated, [a, stored], "app"));
    }

    [Fact]
    public void Validate_NameOfNoFn_NotFound() =>
        Assert.Equal(ApiErrors.DestinationNotFound(FnSharpAnnotations.OnFailure, "gone", "app"), DestinationGraph.Validate(Fn("1", "a", failure: "gone"), [], "app"));

    [Theory]
    [InlineData("""{"fnsharp.io/on-success":""}""")]
    [InlineData("""{"fnsharp.io/on-success":7}""")]
    [InlineData("""{"fnsharp.io/on-failure":["a"]}""")]
    [InlineData("""{"fnsharp.io/on-failure":"a\u0001"}""")]
    public void ValidateValues_NotANonEmptyString_Invalid(string annotations)
    {
        var parsed = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(annotations)!;

        Assert.Equal(400, DestinationGraph.ValidateValues(parsed)?.Status);
    }

    private static Fn Fn(string id, string name, string? success = null, string? failure = null)
    {
        var annotations = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (success is not null)
        {
            annotations[FnSharpAnnotations.OnSuccess] = JsonSerializer.SerializeToElement(success);
        }

        if (failure is not null)
        {
            annotations[FnSharpAnnotations.OnFailure] = JsonSerializer.SerializeToElement(failure);
        }

        return new Fn { Id = id, AppId = "app", Name = name, Image = "i", Annotations = annotations };
    }
}
