using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace FnSharp.Server.Auth;

/// <summary>
/// API tokens: <c>fns_&lt;key id&gt;_&lt;secret&gt;</c>, the secret 32 random bytes in base64url (256 bits).
/// The store keeps the SHA-256 of the secret only, and a presented token is checked by one lookup of its key
/// id and a constant-time comparison of hashes. A fast hash is enough here, as for GitHub's or Stripe's
/// tokens: slow hashes (Argon2, bcrypt) protect guessable passwords, while a 256-bit random secret cannot be
/// found from its hash by any amount of hashing, and a slow hash would cost milliseconds on every call
/// (<c>docs/api.md</c>, "Keys").
/// </summary>
internal static class ApiTokens
{
    /// <summary>What every token starts with, so that a leaked one is recognised by secret scanners and people.</summary>
    public const string Prefix = "fns_";

    private const int SecretBytes = 32;

    /// <summary>A new token for the key <paramref name="keyId"/>, and the hash to store.</summary>
    public static (string Token, byte[] Hash) Create(string keyId)
    {
        var secret = Base64Url(RandomNumberGenerator.GetBytes(SecretBytes));
        return ($"{Prefix}{keyId}_{secret}", Hash(secret));
    }

    /// <summary>Splits a token into its key id and secret; <see langword="false"/> when it is not of that shape.</summary>
    public static bool TryParse(string token, [NotNullWhen(true)] out string? keyId, [NotNullWhen(true)] out string? secret)
    {
        keyId = null;
        secret = null;
        if (!token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        // The id (Crockford base32) has no '_'; the secret (base64url) may.
        var separator = token.IndexOf('_', Prefix.Length);
        if (separator <= Prefix.Length || separator == token.Length - 1)
        {
            return false;
        }

        keyId = token[Prefix.Length..separator];
        secret = token[(separator + 1)..];
        return true;
    }

    /// <summary>The SHA-256 of <paramref name="secret"/>'s UTF-8 bytes.</summary>
    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>Whether <paramref name="secret"/> hashes to <paramref name="expectedHash"/>, in time independent of where they differ.</summary>
    public static bool Matches(string secret, byte[] expectedHash) => CryptographicOperations.FixedTimeEquals(Hash(secret), expectedHash);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
