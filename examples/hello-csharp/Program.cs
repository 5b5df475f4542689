using System.Text.Json;
using System.Text.Json.Serialization;
using FnSharp.Fdk;

// Answers {"message":"Hello, NAME!"} for a body {"name":"NAME"}, and "Hello, World!" for anything else.
await Fdk.HandleAsync((context, input) =>
{
    var name = "World";
    try
    {
        if (input.Length > 0 && JsonSerializer.Deserialize(input, HelloJson.Default.Person) is { Name: { Length: > 0 } given })
        {
            name = given;
        }
    }
    catch (JsonException)
    {
        // Not JSON: greet the world.
    }

    context.ResponseContentType = "application/json";
    return Task.FromResult(JsonSerializer.Serialize(new Greeting($"Hello, {name}!"), HelloJson.Default.Greeting));
});

internal sealed record Person([property: JsonPropertyName("name")] string? Name);

internal sealed record Greeting([property: JsonPropertyName("message")] string Message);

[JsonSerializable(typeof(Person))]
[JsonSerializable(typeof(Greeting))]
internal sealed partial class HelloJson : JsonSerializerContext;
