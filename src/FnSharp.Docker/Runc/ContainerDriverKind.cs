namespace FnSharp.Docker.Runc;

/// <summary>Which driver starts fn containers (<c>FN_DRIVER</c>).</summary>
public enum ContainerDriverKind
{
    /// <summary>The Docker engine creates and starts them (<see cref="DockerDriver"/>), the default.</summary>
    Docker,

    /// <summary>The OCI runtime <c>runc</c> starts them directly from a root filesystem per image (<see cref="RuncDriver"/>).</summary>
    Runc,
}
