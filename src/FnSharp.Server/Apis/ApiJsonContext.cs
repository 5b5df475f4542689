using System.Text.Json.Serialization;
using FnSharp.Server.Detached;
using FnSharp.Server.Triggers;

namespace FnSharp.Server.Apis;

/// <summary>Source-generated serializers for the server's own bodies.</summary>
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(VersionBody))]
[JsonSerializable(typeof(DetachedCallBody))]
[JsonSerializable(typeof(CronTickBody))]
[JsonSerializable(typeof(DestinationBody))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(string))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
