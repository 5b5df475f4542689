using System.Text;
using FnSharp.Testing;

namespace FnSharp.Docker.Tests;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class LogLineAssemblerTests
{
    [Fact]
    public void Append_LinesSplitAcrossChunks_WholeLines()
    {
        var assembler = new LogLineAssembler(100);
        var lines = new List<string>();

        assembler.Append("hel"u8, lines);
        assembler.Append("lo\r\nwor"u8, lines);
        assembler.Append("ld\n\nlast"u8, lines);
        assembler.Flush(lines);

        Assert.Equal(["hello", "world", "", "last"], lines);
    }

    [Fact]
    public void Append_MultiByteCharacterSplitAcrossChunks_DecodedWhole()
    {
        var assembler = new LogLineAssembler(100);
        var lines = new List<string>();
        var bytes = Encoding.UTF8.GetBytes("héllo\n");

        assembler.Append(bytes.AsSpan(0, 2), lines);
        assembler.Append(bytes.AsSpan(2), lines);

        Assert.Equal(["héllo"], lines);
    }

    [Fact]
    public void Append_LineLongerThanLimit_CutIntoPieces()
    {
        var assembler = new LogLineAssembler(4);
        var lines = new List<string>();

        assembler.Append("abcdefghij\nxy\n"u8, lines);

        Assert.Equal(["abcd", "efgh", "ij", "xy"], lines);
    }

    [Theory]
    [InlineData("abcé€🎉xyz\n", 4, new[] { "abc", "é", "€", "🎉", "xyz" })]
    [InlineData("ééé\n", 5, new[] { "éé", "é" })]
    [InlineData("🎉🎉\n", 6, new[] { "🎉", "🎉" })]
    public void Append_LineLongerThanLimit_CutOnWholeCharacters(string text, int limit, string[] expected)
    {
        var assembler = new LogLineAssembler(limit);
        var lines = new List<string>();

        // One byte at a time, as the engine may deliver it.
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            assembler.Append([b], lines);
        }

        Assert.Equal(expected, lines);
        Assert.All(lines, line => Assert.True(Encoding.UTF8.GetByteCount(line) <= limit));
    }

    [Fact]
    public void Append_LimitSmallerThanACharacter_CutAnyway()
    {
        var assembler = new LogLineAssembler(2);
        var lines = new List<string>();

        assembler.Append("€\n"u8, lines);

        Assert.Equal(2, lines.Count);
    }

    [Fact]
    public void Flush_NothingPending_NoLine()
    {
        var assembler = new LogLineAssembler(10);
        var lines = new List<string>();

        assembler.Append("done\n"u8, lines);
        assembler.Flush(lines);

        Assert.Equal(["done"], lines);
    }
}
