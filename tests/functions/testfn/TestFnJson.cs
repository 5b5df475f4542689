using System.Text.Json.Serialization;

namespace TestFn;

/// <summary>Source-generated JSON for NativeAOT.</summary>
[JsonSerializable(typeof(EchoBody))]
internal sealed partial class TestFnJson : JsonSerializerContext;
