using System.Collections.Concurrent;

namespace FnSharp.Docker;

/// <summary>
/// The images this node's driver pulled since it started, by engine image id, with the name it pulled and when
/// a container was last made of each: the only images the clean-up may remove (an image built or pulled by
/// anyone else is never in it). Kept in memory: after a restart the images pulled before it are kept.
/// </summary>
internal sealed class PulledImages
{
    private readonly ConcurrentDictionary<string, PulledImage> _images = new(StringComparer.Ordinal);

    /// <summary>The pulled images.</summary>
    public IReadOnlyCollection<PulledImage> All => [.. _images.Values];

    /// <summary>Records that <paramref name="name"/> was pulled as image <paramref name="id"/> at <paramref name="at"/>.</summary>
    public void Add(string id, string name, DateTimeOffset at) =>
        _images.AddOrUpdate(id, _ => new PulledImage(id, name, at), (_, old) => old with { Name = name, LastUsed = at });

    /// <summary>Records a use of image <paramref name="id"/> at <paramref name="at"/>, when it is one this node pulled.</summary>
    public void Touch(string id, DateTimeOffset at)
    {
        if (_images.TryGetValue(id, out var image) && image.LastUsed < at)
        {
            _images.TryUpdate(id, image with { LastUsed = at }, image);
        }
    }

    /// <summary>Forgets image <paramref name="id"/> once the clean-up removed it.</summary>
    public void Remove(string id) => _images.TryRemove(id, out _);
}
