using FnSharp.Testing;

namespace FnSharp.Cli.Tests;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class CliConfigFileTests : IDisposable
{
    private readonly string _path = Path.Combine(TestDirectories.Create("fnsharp-cliconfig-"), "config.json");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true);

    [Fact]
    public void Read_EveryKey_Read()
    {
        File.WriteAllText(_path, """{"api_url": "http://h:1", "registry": "r.example:5000/team", "insecure_registries": ["r.example:5000"]}""");

        var config = CliConfigFile.Read(_path);

        Assert.Equal(("http://h:1", "r.example:5000/team"), (config.ApiUrl, config.Registry));
        Assert.Equal(["r.example:5000"], config.InsecureRegistries);
    }

    [Fact]
    public void Read_NoFile_Empty()
    {
        var config = CliConfigFile.Read(_path);

        Assert.Equal((null, null, 0), (config.ApiUrl, config.Registry, config.InsecureRegistries.Count));
    }

    [Theory]
    [InlineData("""{"registry": 5}""", "\"registry\" must be a string")]
    [InlineData("""{"insecure_registries": "r:5000"}""", "\"insecure_registries\" must be a list of strings, such as [\"127.0.0.1:5000\"]")]
    [InlineData("""[1]""", "it is not a JSON object")]
    public void Read_WrongType_ErrorNamesTheKeyAndTheShape(string json, string why)
    {
        File.WriteAllText(_path, json);

        var e = Assert.Throws<CliException>(() => CliConfigFile.Read(_path));

        Assert.Equal($"{_path} is not a valid fnsharp config file: {why}; it should look like {{\"api_url\": \"http://localhost:8080\", \"registry\": \"registry.example:5000/team\"}}", e.Message);
    }
}
