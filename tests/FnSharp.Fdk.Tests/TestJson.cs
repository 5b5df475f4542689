using System.Text.Json.Serialization;

namespace FnSharp.Fdk.Tests;

/// <summary>Source-generated JSON metadata, as a NativeAOT function would declare it.</summary>
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(Receipt))]
internal sealed partial class TestJson : JsonSerializerContext;
