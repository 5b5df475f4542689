namespace FnSharp.Docker.Runc;

/// <summary>An image unpacked for runc, as the root filesystem clean-up sees it on disk (<see cref="RootfsCache.ListUnpacked"/>).</summary>
/// <param name="ImageId">The engine's image id (<c>sha256:...</c>).</param>
/// <param name="Directory">Its directory under <c>images/</c> (the root filesystem is its <c>rootfs/</c>).</param>
/// <param name="Name">The image's name as the fn gave it when it was unpacked, or <see langword="null"/> when unknown (unpacked before names were kept).</param>
/// <param name="SizeBytes">The bytes the directory takes on disk, measured as <c>du</c> does (<see cref="RootfsCache.MeasureBytes"/>) when it was unpacked.</param>
/// <param name="LastUsed">When a container of it was last made or removed (UTC).</param>
internal sealed record UnpackedImage(string ImageId, string Directory, string? Name, long SizeBytes, DateTimeOffset LastUsed);
