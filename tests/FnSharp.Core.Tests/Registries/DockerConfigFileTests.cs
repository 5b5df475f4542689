using System.Text;
using System.Text.Json;
using FnSharp.Core.Registries;
using FnSharp.Testing;

namespace FnSharp.Core.Tests.Registries;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class DockerConfigFileTests : IDisposable
{
    private readonly string _directory = TestDirectories.Create("fnsharp-dockercfg-");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task FindAsync_AuthEntryOfTheRegistry_UserAndPassword()
    {
        var path = Write(Auths(("other:5000", "x:y"), ("http://registry.example:5000", "deploy:s3cr:et")));

        var credential = await DockerConfigFile.FindAsync(path, "registry.example:5000", default);

        Assert.NotNull(credential);
        Assert.Equal(("registry.example:5000", "deploy", "s3cr:et", path), (credential.Registry, credential.Username, credential.Password, credential.Source));
    }

    [Fact]
    public async Task FindAsync_DockerHubKey_FoundForDockerIo()
    {
        var path = Write(Auths(("https://index.docker.io/v1/", "me:pw")));

        var credential = await DockerConfigFile.FindAsync(path, ImageReference.DockerHub, default);

        Assert.Equal("me", credential?.Username);
    }

    [Fact]
    public async Task FindAsync_TokensAndUsernameFields_Read()
    {
        var path = Write("""{"auths": {"a.example": {"identitytoken": "id-token"}, "b.example": {"username": "u", "password": "p"}}}""");

        var a = await DockerConfigFile.FindAsync(path, "a.example", default);
        var b = await DockerConfigFile.FindAsync(path, "b.example", default);

        Assert.Equal(("id-token", null), (a?.IdentityToken, a?.Username));
        Assert.Equal(("u", "p"), (b?.Username, b?.Password));
    }

    [Theory]
    [InlineData("""{"auths": {"registry.example": {}}}""")]
    [InlineData("""{"auths": {"other.example": {"auth": "eDp5"}}}""")]
    [InlineData("""{}""")]
    public async Task FindAsync_NoUsableEntry_Null(string json)
    {
        Assert.Null(await DockerConfigFile.FindAsync(Write(json), "registry.example", default));
    }

    [Fact]
    public async Task FindAsync_NoFile_Null()
    {
        Assert.Null(await DockerConfigFile.FindAsync(Path.Combine(_directory, "missing", "config.json"), "registry.example", default));
    }

    [Fact]
    public async Task FindAsync_NotJson_ErrorNamesTheFileNotItsText()
    {
        var path = Write("{\"auths\": {\"r\": {\"auth\": \"c2VjcmV0\"}");

        var e = await Assert.ThrowsAsync<RegistryCredentialsException>(() => DockerConfigFile.FindAsync(path, "r", default));

        Assert.StartsWith($"{path} is not valid JSON: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindAsync_AuthNotUserColonPassword_ErrorSaysToLogInAgain()
    {
        var path = Write(Auths(("r.example", "nocolon")));

        var e = await Assert.ThrowsAsync<RegistryCredentialsException>(() => DockerConfigFile.FindAsync(path, "r.example", default));

        Assert.Equal($"{path}: auths[\"r.example\"].auth is not base64 of user:password (run docker login r.example again)", e.Message);
    }

    [Fact]
    public async Task FindAsync_MissingCredentialHelper_ErrorNamesIt()
    {
        var path = Write("""{"credsStore": "fnsharp-test-none", "auths": {"r.example": {}}}""");

        var e = await Assert.ThrowsAsync<RegistryCredentialsException>(() => DockerConfigFile.FindAsync(path, "r.example", default));

        Assert.Equal($"{path} names the credential helper docker-credential-fnsharp-test-none, which is not installed (or not on PATH)", e.Message);
    }

    [Fact]
    public async Task FindAsync_CredentialHelper_AskedWithTheRegistry()
    {
        // A helper on PATH that answers with the address it was asked for as the user name.
        var bin = Directory.CreateDirectory(Path.Combine(_directory, "bin")).FullName;
        var helper = Path.Combine(bin, "docker-credential-fnsharptest");
        await File.WriteAllTextAsync(helper, "#!/bin/sh\nread address\nprintf '{\"ServerURL\":\"%s\",\"Username\":\"%s\",\"Secret\":\"pw\"}' \"$address\" \"$address\"\n");
        File.SetUnixFileMode(helper, (UnixFileMode)0b111_101_101);
        var path = Write("""{"credHelpers": {"r.example:5000": "fnsharptest"}}""");
        var oldPath = Environment.GetEnvironmentVariable("PATH");
        Environment.SetEnvironmentVariable("PATH", bin + ":" + oldPath);
        try
        {
            var credential = await DockerConfigFile.FindAsync(path, "r.example:5000", default);

            Assert.Equal(("r.example:5000", "pw", "docker-credential-fnsharptest"), (credential?.Username, credential?.Password, credential?.Source));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", oldPath);
        }
    }

    [Fact]
    public void ToString_Credential_NoSecret()
    {
        var credential = new RegistryCredential { Registry = "r.example", Username = "u", Password = "hunter2", RegistryToken = "tok", Source = "FN_REGISTRY_USERNAME" };

        Assert.Equal("credentials for r.example (user u, from FN_REGISTRY_USERNAME)", credential.ToString());
    }

    private string Write(string json)
    {
        var path = Path.Combine(_directory, "config.json");
        File.WriteAllText(path, json);
        return path;
    }

    /// <summary>A config file whose auths map each key to base64 of its user:password text.</summary>
    private static string Auths(params (string Key, string UserPassword)[] entries) =>
        JsonSerializer.Serialize(new { auths = entries.ToDictionary(e => e.Key, e => new { auth = Convert.ToBase64String(Encoding.UTF8.GetBytes(e.UserPassword)) }) });
}
