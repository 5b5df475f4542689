using System.Text.Json.Serialization;
using FnSharp.Fdk;

// Answers {"message":"Hello, NAME!"} for a body {"name":"NAME"}, and {"message":"Hello, World!"} for an
// empty body, null, or an object without a name. A body that is not a JSON Person (plain text, a
// number) is the caller's error, answered by the FDK (see src/FnSharp.Fdk/README.md).
await Fdk.HandleAsync(HelloJson.Default.Person, HelloJson.Default.Greeting, (context, person) =>
    Task.FromResult(new Greeting($"Hello, {(person?.Name is { Length: > 0 } name ? name : "World")}!")));

internal sealed record Person([property: JsonPropertyName("name")] string? Name);

internal sealed record Greeting([property: JsonPropertyName("message")] string Message);

[JsonSerializable(typeof(Person))]
[JsonSerializable(typeof(Greeting))]
internal sealed partial class HelloJson : JsonSerializerContext;
