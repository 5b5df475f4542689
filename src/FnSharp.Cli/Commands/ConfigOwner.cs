namespace FnSharp.Cli.Commands;

/// <summary>The app or fn whose config a <c>config</c> command reads or changes, found by its names.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Words">The words that name it after a verb: <c>app APP</c> or <c>fn APP FN</c>.</param>
/// <param name="Config">Its own config entries (a fn's, not its app's).</param>
/// <param name="UpdateAsync">Merges config entries into it (a PUT; an empty value removes its key).</param>
internal sealed record ConfigOwner(string Name, string[] Words, IReadOnlyDictionary<string, string> Config, Func<Dictionary<string, string>, CancellationToken, Task> UpdateAsync)
{
    /// <summary>How messages name it: <c>app 'myapp'</c>, <c>fn 'hello'</c>.</summary>
    public string Label => $"{Words[0]} '{Name}'";
}
