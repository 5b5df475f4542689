using System.Text.Json.Serialization;

namespace FnSharp.Server.Dashboard;

/// <summary>Source-generated serializers for the dashboard's bodies.</summary>
[JsonSerializable(typeof(StatsBody))]
internal sealed partial class DashboardJsonContext : JsonSerializerContext;
