namespace FnSharp.Core.Storage;

/// <summary>An <see cref="ApiKey"/> as the store holds it, with the SHA-256 hash of its token's secret.</summary>
/// <param name="Key">The key.</param>
/// <param name="TokenHash">The 32-byte hash that a presented token must match.</param>
public sealed record StoredKey(ApiKey Key, byte[] TokenHash);
