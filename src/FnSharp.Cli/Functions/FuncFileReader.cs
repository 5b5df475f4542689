using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FnSharp.Cli.Functions;

/// <summary>
/// Reads and checks a function's <c>func.yaml</c>. Every problem is a <see cref="CliException"/> that
/// names the file, the field and its line, for example
/// <c>/src/hello/func.yaml: memory must be a whole number of MiB, not 'lots' (line 5)</c>.
/// </summary>
internal static partial class FuncFileReader
{
    /// <summary>The file's name in a function's directory.</summary>
    public const string FileName = "func.yaml";

    /// <summary>The runtimes <c>build</c> knows: what runs on the host before the image is built.</summary>
    public static readonly IReadOnlyList<string> Runtimes = ["csharp", "node", "docker"];

    /// <summary>Reads <c>func.yaml</c> in <paramref name="directory"/>.</summary>
    /// <exception cref="CliException">The file is missing, is not YAML, or a field is missing or invalid.</exception>
    public static FuncFile Read(string directory)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetFullPath(directory), FileName);
        if (!File.Exists(path))
        {
            throw new CliException($"no {FileName} in {System.IO.Path.GetDirectoryName(path)}: create a function with fnsharp init --runtime csharp|node NAME, or point --path at its directory");
        }

        return Parse(path, File.ReadAllText(path));
    }

    /// <summary>Parses <paramref name="text"/>, the content of the file at <paramref name="path"/>.</summary>
    /// <exception cref="CliException">The text is not YAML, or a field is missing or invalid.</exception>
    public static FuncFile Parse(string path, string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new CliException(NotYaml(path, text, e));
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            throw new CliException($"{path} is empty; a func.yaml starts with schema_version: {FuncFile.SchemaVersion}, name and version");
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new CliException($"{path} is not a mapping of fields (name: ..., version: ...)");
        }

        var fields = new Fields(path, root, "", new Dictionary<string, FuncFileField>(StringComparer.Ordinal));
        var warnings = fields.CheckNames(FuncFileSchema.Fields, FuncFileSchema.IgnoredFields, "");
        var schema = fields.Scalar("schema_version");
        if (schema is null)
        {
            throw fields.Error($"schema_version is missing; add schema_version: {FuncFile.SchemaVersion} (Fn's func.yaml format)", root);
        }

        if (schema.Value != FuncFile.SchemaVersion.ToString(CultureInfo.InvariantCulture))
        {
            throw fields.Error($"schema_version must be {FuncFile.SchemaVersion} (Fn's func.yaml format), not '{schema.Value}'", schema);
        }

        var name = fields.RequiredText("name", "the fn's name, for example name: hello");
        if (!ValidName().IsMatch(name.Value!))
        {
            throw fields.Error($"name '{name.Value}' is not valid: use lower-case letters and digits, separated by single '_', '__' or '-' (it names the fn and the image)", name);
        }

        var version = fields.RequiredText("version", "the function's version, for example version: 0.0.1");
        if (!ValidTag().IsMatch(version.Value!))
        {
            throw fields.Error($"version '{version.Value}' is not valid: it is the image's tag, for example 0.0.1", version);
        }

        var runtime = fields.RequiredText("runtime", "the function's language, for example runtime: csharp");
        if (!Runtimes.Contains(runtime.Value!))
        {
            throw fields.Error($"runtime '{runtime.Value}' is not supported: use {string.Join(", ", Runtimes)} (docker builds the Dockerfile alone)", runtime);
        }

        var file = new FuncFile
        {
            Path = path,
            Text = text,
            Name = name.Value!,
            Version = version.Value!,
            VersionSpan = Span(version),
            Runtime = runtime.Value!,
            RunImage = fields.OptionalText("run_image"),
            Memory = fields.Number("memory", "a whole number of MiB"),
            Timeout = fields.Number("timeout", "a whole number of seconds"),
            IdleTimeout = fields.Number("idle_timeout", "a whole number of seconds"),
            Config = fields.Config(),
            Annotations = fields.Annotations(),
            Triggers = fields.Triggers(warnings),
            Warnings = warnings,
            Fields = fields.Read,
        };
        FuncFileValidator.Validate(file);
        return file;
    }

    /// <summary>
    /// YamlDotNet's message with the line and column where it found the problem, and for a tab in the
    /// indentation near there, the line that has it: YAML indents with spaces only.
    /// </summary>
    private static string NotYaml(string path, string text, YamlException e)
    {
        var message = string.Create(CultureInfo.InvariantCulture, $"{path} is not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}");
        var lines = text.Split('\n');
        var tab = Array.FindIndex(lines, l => l[..(l.Length - l.TrimStart(' ', '\t').Length)].Contains('\t', StringComparison.Ordinal)) + 1;
        if (tab > 0 && (e.Message.Contains("tab", StringComparison.OrdinalIgnoreCase) || (tab >= e.Start.Line && tab <= e.End.Line)))
        {
            message += string.Create(CultureInfo.InvariantCulture, $" Line {tab} indents with a tab: YAML indents with spaces.");
        }

        return message;
    }

    private static FuncFileSpan Span(YamlScalarNode node) => new(
        checked((int)node.Start.Index),
        checked((int)node.End.Index),
        node.Style switch
        {
            ScalarStyle.DoubleQuoted => '"',
            ScalarStyle.SingleQuoted => '\'',
            _ => null,
        });

    private static bool IsNull(YamlScalarNode node) =>
        node.Style is ScalarStyle.Plain or ScalarStyle.Any && node.Value is null or "" or "~" or "null" or "Null" or "NULL";

    /// <summary>A YAML value as JSON: plain numbers and booleans keep their type, everything else is text.</summary>
    private static void WriteJson(Utf8JsonWriter writer, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    writer.WritePropertyName(((YamlScalarNode)key).Value ?? "");
                    WriteJson(writer, value);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var item in sequence.Children)
                {
                    WriteJson(writer, item);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar when IsNull(scalar):
                writer.WriteNullValue();
                break;
            case YamlScalarNode { Style: ScalarStyle.Plain, Value: "true" or "false" } scalar:
                writer.WriteBooleanValue(scalar.Value == "true");
                break;
            case YamlScalarNode { Style: ScalarStyle.Plain } scalar when JsonNumber().IsMatch(scalar.Value!):
                writer.WriteRawValue(scalar.Value!);
                break;
            case YamlScalarNode scalar:
                writer.WriteStringValue(scalar.Value);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    /// <summary>A docker repository path component without '.', which Fn's names do not allow.</summary>
    [GeneratedRegex("^[a-z0-9]+(?:(?:_|__|-+)[a-z0-9]+)*$")]
    private static partial Regex ValidName();

    /// <summary>A docker tag.</summary>
    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex ValidTag();

    [GeneratedRegex(@"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$")]
    private static partial Regex JsonNumber();

    /// <summary>
    /// The fields of one mapping (the file, or a trigger: <paramref name="prefix"/> <c>triggers[0].</c>), with the
    /// checks that name the file, field and line; each field read is noted in <paramref name="read"/>.
    /// </summary>
    private sealed class Fields(string path, YamlMappingNode root, string prefix, Dictionary<string, FuncFileField> read)
    {
        public Dictionary<string, FuncFileField> Read => read;

        public CliException Error(string message, YamlNode node) =>
            new($"{path}: {message} (line {node.Start.Line.ToString(CultureInfo.InvariantCulture)})");

        /// <summary>
        /// Refuses a field that is neither in <paramref name="known"/> nor in <paramref name="ignored"/> (with the
        /// nearest known one when it looks like a typo of it), and returns a warning for each ignored one.
        /// </summary>
        public List<string> CheckNames(IReadOnlyList<string> known, IReadOnlyDictionary<string, string> ignored, string where)
        {
            var warnings = new List<string>();
            foreach (var key in root.Children.Keys)
            {
                if (key is not YamlScalarNode { Value: { Length: > 0 } name })
                {
                    throw Error($"a field name{where} must be text", key);
                }

                if (known.Contains(name))
                {
                    continue;
                }

                var line = key.Start.Line.ToString(CultureInfo.InvariantCulture);
                if (ignored.TryGetValue(name, out var why))
                {
                    warnings.Add($"{path}: {name} is ignored: {why} (line {line})");
                    continue;
                }

                var all = known.Concat(ignored.Keys).ToList();
                throw Error(
                    Spelling.Suggest(name, all) is { } meant
                        ? $"unknown field '{name}'{where}: did you mean '{meant}'?"
                        : $"unknown field '{name}'{where}: the fields are {string.Join(", ", known)}" + (ignored.Count > 0 ? $" (and Fn's {string.Join(", ", ignored.Keys)}, which are ignored)" : ""),
                    key);
            }

            return warnings;
        }

        public YamlNode? Node(string name)
        {
            if (!root.Children.TryGetValue(new YamlScalarNode(name), out var node))
            {
                return null;
            }

            read[prefix + name] = Field(node);
            return node;
        }

        /// <summary>The field as a scalar, or <see langword="null"/> when it is absent or null.</summary>
        public YamlScalarNode? Scalar(string name) => Node(name) switch
        {
            null => null,
            YamlScalarNode scalar when IsNull(scalar) => null,
            YamlScalarNode scalar => scalar,
            var other => throw Error($"{prefix}{name} must be a single value, not a {(other is YamlSequenceNode ? "list" : "mapping")}", other),
        };

        public YamlScalarNode RequiredText(string name, string what) =>
            Scalar(name) ?? throw Error($"{name} is missing: {what}", Node(name) ?? root);

        public string? OptionalText(string name) => Scalar(name)?.Value;

        /// <summary>A whole number, or 0 when absent; one too large for an int is <see cref="int.MaxValue"/>, out of every range.</summary>
        public int Number(string name, string what)
        {
            if (Scalar(name) is not { } scalar)
            {
                return 0;
            }

            return int.TryParse(scalar.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
                : scalar.Value!.All(char.IsAsciiDigit) ? int.MaxValue
                : throw Error($"{name} must be {what}, not '{scalar.Value}'", scalar);
        }

        public Dictionary<string, string> Config()
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in Mapping("config"))
            {
                read[$"{prefix}config[{key}]"] = Field(value);
                result[key] = value switch
                {
                    YamlScalarNode scalar when IsNull(scalar) => "",
                    YamlScalarNode scalar => scalar.Value ?? "",
                    _ => throw Error($"config entry '{key}' must be a single value (text), not a list or a mapping", value),
                };
            }

            return result;
        }

        public Dictionary<string, JsonElement> Annotations()
        {
            var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var (key, value) in Mapping("annotations"))
            {
                read[$"{prefix}annotations[{key}]"] = Field(value);
                var buffer = new System.Buffers.ArrayBufferWriter<byte>();
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    WriteJson(writer, value);
                }

                using var document = JsonDocument.Parse(buffer.WrittenMemory);
                result[key] = document.RootElement.Clone();
            }

            return result;
        }

        public List<FuncTrigger> Triggers(List<string> warnings)
        {
            var node = Node("triggers");
            if (node is null or YamlScalarNode { Value: null or "" })
            {
                return [];
            }

            if (node is not YamlSequenceNode sequence)
            {
                throw Error("triggers must be a list, for example triggers: [{name: hello, type: http, source: /hello}]", node);
            }

            var triggers = new List<FuncTrigger>();
            foreach (var item in sequence.Children)
            {
                if (item is not YamlMappingNode trigger)
                {
                    throw Error("each trigger must be a mapping {name, type, source}", item);
                }

                var at = $"triggers[{triggers.Count.ToString(CultureInfo.InvariantCulture)}]";
                read[at] = Field(trigger);
                var fields = new Fields(path, trigger, at + ".", read);
                warnings.AddRange(fields.CheckNames(FuncFileSchema.TriggerFields, new Dictionary<string, string>(), " in " + at));
                var name = fields.Scalar("name")?.Value ?? throw Error("a trigger has no name", trigger);
                if (triggers.Any(t => t.Name == name))
                {
                    throw Error($"trigger '{name}' is listed twice", trigger);
                }

                var annotations = fields.Annotations();
                triggers.Add(new FuncTrigger(name, fields.Scalar("type")?.Value ?? Trigger.HttpType, fields.Scalar("source")?.Value ?? "/" + name)
                {
                    Annotations = annotations.Count > 0 ? annotations : FuncTrigger.NoAnnotations,
                });
            }

            return triggers;
        }

        private static FuncFileField Field(YamlNode node) => new(node.Start.Line, node is YamlScalarNode scalar ? scalar.Value : null);

        private IEnumerable<(string Key, YamlNode Value)> Mapping(string name)
        {
            var node = Node(name);
            if (node is null or YamlScalarNode { Value: null or "" })
            {
                yield break;
            }

            if (node is not YamlMappingNode mapping)
            {
                throw Error($"{prefix}{name} must be a mapping of KEY: value", node);
            }

            foreach (var (key, value) in mapping.Children)
            {
                if (key is not YamlScalarNode { Value: { Length: > 0 } text })
                {
                    throw Error($"{prefix}{name} has a key that is not text", key);
                }

                yield return (text, value);
            }
        }
    }
}
