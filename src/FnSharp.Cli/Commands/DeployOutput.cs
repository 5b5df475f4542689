using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace FnSharp.Cli.Commands;

/// <summary>
/// What <c>deploy --output json</c> prints: the image built, its digest in the registry when it was pushed
/// (absent otherwise), and the app, the fn and the triggers of func.yaml as the server now has them (each as
/// <c>inspect --output json</c> prints it).
/// </summary>
internal sealed record DeployOutput(
    [property: JsonPropertyName("image")] string Image,
    [property: JsonPropertyName("digest"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Digest,
    [property: JsonPropertyName("app")] JsonObject App,
    [property: JsonPropertyName("fn")] JsonObject Fn,
    [property: JsonPropertyName("triggers")] IReadOnlyList<JsonObject> Triggers);
