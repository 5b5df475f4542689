using System.Text.Json;
using FnSharp.Cli.Functions;
using FnSharp.Testing;

namespace FnSharp.Cli.Tests.Functions;

/// <summary>func.yaml in Fn's format: every field read, and a clear error naming the file, field and line for each bad one.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class FuncFileReaderTests : IDisposable
{
    private const string Path = "/fns/hello/func.yaml";

    private readonly string _root = TestDirectories.Create("fnsharp-funcyaml-");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Parse_EveryField_Read()
    {
        var file = FuncFileReader.Parse(Path, """
            schema_version: 20180708
            name: hello
            version: 0.0.7
            runtime: csharp
            build_image: fnproject/dotnet:dev
            run_image: fnsharp/aot-runtime:latest
            entrypoint: ./func
            memory: 256
            timeout: 60
            idle_timeout: 120
            config:
              GREETING: hi
              PORT: 8080
              EMPTY:
            annotations:
              team: payments
              tier: 2
              tags: [a, b]
              owner: {name: ops}
              quoted: "2"
              public: "true"
              fnsharp.io/async-retries: 3
              gone:
            triggers:
            - name: hello-http
              type: http
              source: /hello
              annotations:
                fnsharp.io/invoke-type: detached
            - name: short
            """);

        Assert.Equal(("hello", "0.0.7", "csharp", "fnsharp/aot-runtime:latest"), (file.Name, file.Version, file.Runtime, file.RunImage));
        Assert.Equal((256, 60, 120), (file.Memory, file.Timeout, file.IdleTimeout));
        Assert.Equal(new Dictionary<string, string> { ["GREETING"] = "hi", ["PORT"] = "8080", ["EMPTY"] = "" }, file.Config);
        Assert.Equal(
            """{"team":"payments","tier":2,"tags":["a","b"],"owner":{"name":"ops"},"quoted":"2","public":"true","fnsharp.io/async-retries":3,"gone":null}""",
            JsonSerializer.Serialize(file.Annotations));
        Assert.Equal([("hello-http", "http", "/hello"), ("short", "http", "/short")], file.Triggers.Select(t => (t.Name, t.Type, t.Source)));
        Assert.Equal("""{"fnsharp.io/invoke-type":"detached"}""", JsonSerializer.Serialize(file.Triggers[0].Annotations));
        Assert.Empty(file.Triggers[1].Annotations);
        Assert.Equal(
            [
                $"{Path}: build_image is ignored: {FuncFileSchema.IgnoredFields["build_image"]} (line 5)",
                $"{Path}: entrypoint is ignored: {FuncFileSchema.IgnoredFields["entrypoint"]} (line 7)",
            ],
            file.Warnings);
        Assert.Equal("hello:0.0.7", file.ImageName(null));
        Assert.Equal("registry.example:5000/team/hello:0.0.8", file.ImageName("registry.example:5000/team/", "0.0.8"));
    }

    [Fact]
    public void Parse_OnlyRequiredFields_DefaultsLeftToTheServer()
    {
        var file = FuncFileReader.Parse(Path, "schema_version: 20180708\nname: f\nversion: 1.2.3\nruntime: docker\n");

        Assert.Equal((0, 0, 0, null), (file.Memory, file.Timeout, file.IdleTimeout, file.RunImage));
        Assert.Empty(file.Config);
        Assert.Empty(file.Annotations);
        Assert.Empty(file.Triggers);
        Assert.Empty(file.Warnings);
    }

    [Fact]
    public void Parse_EveryFieldOfFnsSchema_ReadOrIgnoredWithAWarningEach()
    {
        var file = FuncFileReader.Parse(Path, """
            schema_version: 20180708
            name: hello
            version: 0.0.1
            runtime: docker
            build_image: fnproject/node:dev
            run_image: fnsharp/node-runtime:latest
            cmd: func.handler
            entrypoint: node func.js
            content_type: application/json
            format: http-stream
            type: sync
            memory: 128
            timeout: 30
            idle_timeout: 30
            config: {}
            annotations: {}
            build: [make]
            expects:
              config:
              - name: DB_URL
                required: true
            signing_details:
              kms_key_id: k
            triggers:
            - {name: t, type: http, source: /t}
            """);

        Assert.Equal(
            ["build_image", "cmd", "entrypoint", "content_type", "format", "type", "build", "expects", "signing_details"],
            file.Warnings.Select(w => w[(Path.Length + 2)..w.IndexOf(" is ignored", StringComparison.Ordinal)]));
        Assert.Equal($"{Path}: type is ignored: for detached calls, give a trigger the annotation fnsharp.io/invoke-type: detached, or invoke with --detached (line 11)", file.Warnings[5]);
    }

    [Theory]
    [InlineData("memroy: 256\n", "unknown field 'memroy': did you mean 'memory'? (line 5)")]
    [InlineData("Memory: 256\n", "unknown field 'Memory': did you mean 'memory'? (line 5)")]
    [InlineData("idle-timeout: 60\n", "unknown field 'idle-timeout': did you mean 'idle_timeout'? (line 5)")]
    [InlineData("trigger:\n- name: t\n", "unknown field 'trigger': did you mean 'triggers'? (line 5)")]
    [InlineData("entrypiont: ./func\n", "unknown field 'entrypiont': did you mean 'entrypoint'? (line 5)")]
    [InlineData("inputs: [a]\n", "unknown field 'inputs': the fields are schema_version, name, version, runtime, run_image, memory, timeout, idle_timeout, config, annotations, triggers (and Fn's build_image, cmd, entrypoint, content_type, format, type, build, expects, signing_details, which are ignored) (line 5)")]
    [InlineData("triggers:\n- name: t\n  sorce: /t\n", "unknown field 'sorce' in triggers[0]: did you mean 'source'? (line 7)")]
    [InlineData("triggers:\n- name: t\n- name: u\n  path: /u\n", "unknown field 'path' in triggers[1]: the fields are name, type, source, annotations (line 8)")]
    public void Parse_UnknownField_ErrorNamesItsLineAndTheFieldMeant(string extra, string message)
    {
        var e = Assert.Throws<CliException>(() => FuncFileReader.Parse(Path, "schema_version: 20180708\nname: f\nversion: 0.0.1\nruntime: docker\n" + extra));

        Assert.Equal($"{Path}: {message}", e.Message);
    }

    [Fact]
    public void Parse_UnknownFieldBeforeAMissingOne_TheTypoIsReported()
    {
        var e = Assert.Throws<CliException>(() => FuncFileReader.Parse(Path, "schema_version: 20180708\nnmae: f\nversion: 0.0.1\nruntime: docker\n"));

        Assert.Equal($"{Path}: unknown field 'nmae': did you mean 'name'? (line 2)", e.Message);
    }

    [Theory]
    [InlineData("memory: 99999999\n", "memory 99999999 is out of range: use 0 to 8192 MiB (0 or none: the server's default, 128) (line 5)")]
    [InlineData("memory: 99999999999\n", "memory 99999999999 is out of range: use 0 to 8192 MiB (0 or none: the server's default, 128) (line 5)")]
    [InlineData("memory: 8193\n", "memory 8193 is out of range: use 0 to 8192 MiB (0 or none: the server's default, 128) (line 5)")]
    [InlineData("timeout: 301\n", "timeout 301 is out of range: use 0 to 300 seconds (0 or none: the server's default, 30) (line 5)")]
    [InlineData("idle_timeout: 3601\n", "idle_timeout 3601 is out of range: use 0 to 3600 seconds (0 or none: the server's default, 30) (line 5)")]
    [InlineData("annotations:\n  fnsharp.io/async-retries: 11\n", "annotations[fnsharp.io/async-retries] 11 is not valid: use an integer from 0 to 10 (the retries of a detached call after a function failure) (line 6)")]
    [InlineData("annotations:\n  fnsharp.io/async-retries: two\n", "annotations[fnsharp.io/async-retries] two is not valid: use an integer from 0 to 10 (the retries of a detached call after a function failure) (line 6)")]
    [InlineData("annotations:\n  fnsharp.io/pull-policy: never\n", "annotations[fnsharp.io/pull-policy] never is not valid: use if-not-present (the default: pull only a missing image) or always (pull before each start, for moving tags) (line 6)")]
    [InlineData("annotations:\n  public: true\n", "annotations[public] true is not valid: use a non-empty text, a number, a mapping or a list (quote it, 'true', for text) (line 6)")]
    [InlineData("annotations:\n  'a b': x\n", "annotations key 'a b' is not valid: use printable ASCII without spaces (line 6)")]
    [InlineData("triggers:\n- name: t\n  type: htpp\n", "triggers[0].type 'htpp' is not supported: use http, cron or nats (line 7)")]
    [InlineData("triggers:\n- name: t\n  source: t\n", "triggers[0].source 't' must start with '/', for example /t (the path under /t/APP) (line 7)")]
    [InlineData("triggers:\n- name: t\n  source: ''\n", "triggers[0].source is empty: use a path under /t/APP starting with '/', for example /t (line 7)")]
    [InlineData("triggers:\n- name: a\n- name: 'b c'\n", "triggers[1].name 'b c' is not valid: use 1 to 255 letters, digits, '_' or '-' (line 7)")]
    [InlineData("triggers:\n- name: a\n  source: /x\n- name: b\n  source: /x\n", "triggers[1].source /x is also the source of triggers[0] ('a'): each trigger of an app needs its own (line 9)")]
    [InlineData("triggers:\n- name: t\n  annotations:\n    fnsharp.io/invoke-type: later\n", "triggers[0].annotations[fnsharp.io/invoke-type] later is not valid: use sync (the default) or detached (line 8)")]
    [InlineData("triggers:\n- name: t\n  annotations: [a]\n", "triggers[0].annotations must be a mapping of KEY: value (line 7)")]
    [InlineData("triggers:\n- name: t\n  type: [http]\n", "triggers[0].type must be a single value, not a list (line 7)")]
    public void Parse_BreaksAServerRule_ErrorNamesFieldLineAndAllowedValues(string extra, string message)
    {
        var e = Assert.Throws<CliException>(() => FuncFileReader.Parse(Path, "schema_version: 20180708\nname: f\nversion: 0.0.1\nruntime: docker\n" + extra));

        Assert.Equal($"{Path}: {message}", e.Message);
    }

    [Fact]
    public void Parse_AnnotationsThatRemoveAKey_Accepted()
    {
        var file = FuncFileReader.Parse(Path, "schema_version: 20180708\nname: f\nversion: 0.0.1\nruntime: docker\nannotations:\n  old:\n  older: ''\ntriggers:\n- name: t\n  annotations: {fnsharp.io/invoke-type: }\n");

        Assert.Equal(2, file.Annotations.Count);
        Assert.Empty(FuncFile.WithoutRemovals(file.Annotations));
        Assert.Empty(FuncFile.WithoutRemovals(file.Triggers[0].Annotations));
    }

    [Theory]
    [InlineData("schema_version: 20180708\nname: [a\n", "is not valid YAML at line 3, column 1: While parsing a flow sequence, did not find expected ',' or ']'.")]
    [InlineData("schema_version: 20180708\nname: a\nname: b\n", "is not valid YAML at line 3, column 1: Duplicate key name")]
    [InlineData("schema_version: 20180708\nname: 'a\n", "is not valid YAML at line 2, column 7: While scanning a quoted scalar, found unexpected end of stream.")]
    [InlineData("schema_version: 20180708\nname: a\n\tversion: 0.0.1\n", "is not valid YAML at line 2, column 7: While scanning a plain scalar, found a tab character that violate indentation. Line 3 indents with a tab: YAML indents with spaces.")]
    [InlineData("schema_version: 20180708\ntriggers:\n- name: a\n\tsource: /a\n", "is not valid YAML at line 3, column 9: While scanning a plain scalar, found a tab character that violate indentation. Line 4 indents with a tab: YAML indents with spaces.")]
    public void Parse_NotYaml_ErrorNamesLineAndColumn(string text, string message)
    {
        var e = Assert.Throws<CliException>(() => FuncFileReader.Parse(Path, text));

        Assert.Equal($"{Path} {message}", e.Message);
    }

    [Theory]
    [InlineData("name: f\nversion: 0.0.1\nruntime: docker\n", "schema_version is missing; add schema_version: 20180708 (Fn's func.yaml format) (line 1)")]
    [InlineData("schema_version: 1\nname: f\nversion: 0.0.1\nruntime: docker\n", "schema_version must be 20180708 (Fn's func.yaml format), not '1' (line 1)")]
    [InlineData("schema_version: 20180708\nversion: 0.0.1\nruntime: docker\n", "name is missing: the fn's name, for example name: hello (line 1)")]
    [InlineData("schema_version: 20180708\nname: Hello\nversion: 0.0.1\nruntime: docker\n", "name 'Hello' is not valid: use lower-case letters and digits, separated by single '_', '__' or '-' (it names the fn and the image) (line 2)")]
    [InlineData("schema_version: 20180708\nname: [a, b]\nversion: 0.0.1\nruntime: docker\n", "name must be a single value, not a list (line 2)")]
    [InlineData("schema_version: 20180708\nname: f\nruntime: docker\n", "version is missing: the function's version, for example version: 0.0.1 (line 1)")]
    [InlineData("schema_version: 20180708\nname: f\nversion: 'a b'\nruntime: docker\n", "version 'a b' is not valid: it is the image's tag, for example 0.0.1 (line 3)")]
    [InlineData("schema_version: 20180708\nname: f\nversion: 0.0.1\n", "runtime is missing: the function's language, for example runtime: csharp (line 1)")]
    [InlineData("schema_version: 20180708\nname: f\nversion: 0.0.1\nruntime: go\n", "runtime 'go' is not supported: use csharp, node, docker (docker builds the Dockerfile alone) (line 4)")]
    [InlineData("schema_version: 20180708\nname: f\nversion: 0.0.1\nruntime: docker\nmemory: lots\n", "memory must be a whole number of MiB, not 'lots' (line 5)")]
    [InlineData("schema_version: 20180708\nname: f\nversion: 0.0.1\nruntime: docker\ntimeout: -1\n", "timeout must be a whole number of seconds, not '-1' (line 5)")]
    [InlineData("schema_version: 20180708\nname: f\nversion: 0.0.1\nruntime: docker\nconfig: [A]\n", "config must be a mapping of KEY: value (line 5)")]
    [InlineData("schema_version: 20180708\nname: f\nversion: 0.0.1\nruntime: docker\nconfig:\n  A: [1]\n", "config entry 'A' must be a single value (text), not a list or a mapping (line 6)")]
    [InlineData("schema_version: 20180708\nname: f\nversion: 0.0.1\nruntime: docker\nconfig:\n  A: 1\n  A=B: x\n", "config key 'A=B' is not valid: it contains '=', where the variable's name would end; each config key becomes the name of an environment variable in the fn's containers (line 7)")]
    [InlineData("schema_version: 20180708\nname: f\nversion: 0.0.1\nruntime: docker\nconfig:\n  TOKEN: \"a\\0b\"\n", "config value of 'TOKEN' is not valid: it contains NUL (\\0), which an environment variable cannot hold (line 6)")]
    [InlineData("schema_version: 20180708\nname: f\nversion: 0.0.1\nruntime: docker\ntriggers: {a: b}\n", "triggers must be a list, for example triggers: [{name: hello, type: http, source: /hello}] (line 5)")]
    [InlineData("schema_version: 20180708\nname: f\nversion: 0.0.1\nruntime: docker\ntriggers:\n- type: http\n", "a trigger has no name (line 6)")]
    [InlineData("schema_version: 20180708\nname: f\nversion: 0.0.1\nruntime: docker\ntriggers:\n- name: t\n- name: t\n", "trigger 't' is listed twice (line 7)")]
    public void Parse_BadField_ErrorNamesFileFieldAndLine(string text, string message)
    {
        var e = Assert.Throws<CliException>(() => FuncFileReader.Parse(Path, text));

        Assert.Equal($"{Path}: {message}", e.Message);
    }

    [Theory]
    [InlineData("", "/fns/hello/func.yaml is empty; a func.yaml starts with schema_version: 20180708, name and version")]
    [InlineData("- a\n- b\n", "/fns/hello/func.yaml is not a mapping of fields (name: ..., version: ...)")]
    [InlineData("name: [a\n", "/fns/hello/func.yaml is not valid YAML at line ")]
    [InlineData("name: a\nname: b\n", "/fns/hello/func.yaml is not valid YAML at line ")]
    public void Parse_NotAFuncFile_ErrorNamesFile(string text, string message)
    {
        var e = Assert.Throws<CliException>(() => FuncFileReader.Parse(Path, text));

        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NoFile_ErrorNamesDirectoryAndInit()
    {
        var e = Assert.Throws<CliException>(() => FuncFileReader.Read(_root));

        Assert.Equal($"no func.yaml in {_root}: create a function with fnsharp init --runtime csharp|node NAME, or point --path at its directory", e.Message);
    }

    [Fact]
    public void Read_ExampleFuncFiles_Read()
    {
        var root = RepositoryRoot();

        var csharp = FuncFileReader.Read(System.IO.Path.Combine(root, "examples", "hello-csharp"));
        var node = FuncFileReader.Read(System.IO.Path.Combine(root, "examples", "hello-node"));

        Assert.Equal(("hello-csharp", "csharp", 128), (csharp.Name, csharp.Runtime, csharp.Memory));
        Assert.Equal(("hello-node", "node", 30), (node.Name, node.Runtime, node.Timeout));
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(System.IO.Path.Combine(directory.FullName, "FnSharp.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("FnSharp.sln not found above " + AppContext.BaseDirectory);
    }
}
