using FnSharp.Testing;

namespace FnSharp.Cli.Tests;

/// <summary>"Did you mean ...?": a typo finds the word meant, and a word far from every known one finds nothing.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class SpellingTests
{
    private static readonly string[] Known = ["name", "type", "source", "memory", "timeout", "idle_timeout", "annotations"];

    [Theory]
    [InlineData("memroy", "memory")]
    [InlineData("memry", "memory")]
    [InlineData("MEMORY", "memory")]
    [InlineData("nmae", "name")]
    [InlineData("tpye", "type")]
    [InlineData("sorce", "source")]
    [InlineData("idle-timeout", "idle_timeout")]
    [InlineData("idletimeout", "idle_timeout")]
    [InlineData("anotations", "annotations")]
    public void Suggest_Typo_TheWordMeant(string typo, string meant) => Assert.Equal(meant, Spelling.Suggest(typo, Known));

    [Theory]
    [InlineData("inputs")]
    [InlineData("src")]
    [InlineData("image")]
    [InlineData("memory")]
    [InlineData("")]
    public void Suggest_FarFromEveryWordOrExact_Nothing(string word) => Assert.Null(Spelling.Suggest(word, Known));
}
