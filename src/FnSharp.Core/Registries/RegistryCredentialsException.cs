namespace FnSharp.Core.Registries;

/// <summary>
/// Registry credentials could not be read: a Docker config file that is not valid, an entry whose
/// <c>auth</c> is not base64 <c>user:password</c>, a credential helper that is missing or fails. The
/// message names the file or helper and never holds a secret.
/// </summary>
public sealed class RegistryCredentialsException : Exception
{
    /// <summary>Creates the exception with its message.</summary>
    public RegistryCredentialsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public RegistryCredentialsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public RegistryCredentialsException()
        : base("registry credentials could not be read")
    {
    }
}
