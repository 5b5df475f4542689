using System.Globalization;

namespace FnSharp.Docker;

/// <summary>
/// Turns <see cref="ContainerHardening"/>, the memory limit (and the CPU weight that follows it) and the network into the Engine API's
/// container settings. Pure, so that the settings can be checked without an engine.
/// </summary>
internal static class DockerHardening
{
    /// <summary>
    /// The CPU weight of a memory limit (Docker's <c>CpuShares</c>, cgroup v2 <c>cpu.weight</c> by the engine's
    /// conversion): the memory in MiB (1024 for 1 GiB, Docker's default), at least 2, so that under contention
    /// CPU goes in proportion to memory, as Lambda scales CPU with memory. A fn's cgroup gets it from the fn's
    /// memory (<see cref="FnCgroups"/>), so that a fn with many busy containers does not starve a fn with few
    /// (issue 16's fairness); each container gets it too, which is all there is where fn cgroups cannot be made.
    /// </summary>
    /// <param name="memoryBytes">The container's memory limit, in bytes.</param>
    public static long CpuSharesOf(long memoryBytes) => Math.Max(2, memoryBytes / (1024 * 1024));

    /// <summary>Sets the user, limits and security options on <paramref name="parameters"/> and its <see cref="HostConfig"/>.</summary>
    /// <param name="parameters">The container being created; its <see cref="CreateContainerParameters.HostConfig"/> must be set.</param>
    /// <param name="hardening">Which parts apply.</param>
    /// <param name="memoryBytes">The container's memory limit, in bytes.</param>
    /// <param name="network">The network mode, for example <c>bridge</c> or <c>none</c>.</param>
    public static void Apply(CreateContainerParameters parameters, ContainerHardening hardening, long memoryBytes, string network)
    {
        var host = parameters.HostConfig ?? throw new ArgumentException("HostConfig must be set.", nameof(parameters));
        host.Memory = memoryBytes;
        host.CPUShares = CpuSharesOf(memoryBytes);
        host.NetworkMode = network;
        if (hardening.User is { Length: > 0 } user)
        {
            parameters.User = user;
        }

        if (hardening.DropAllCapabilities)
        {
            host.CapDrop = ["ALL"];
        }

        if (hardening.NoNewPrivileges)
        {
            host.SecurityOpt = ["no-new-privileges"];
        }

        host.ReadonlyRootfs = hardening.ReadOnlyRootFilesystem;
        if (hardening.TmpfsSizeMiB > 0)
        {
            host.Tmpfs = new Dictionary<string, string>
            {
                ["/tmp"] = string.Create(CultureInfo.InvariantCulture, $"size={hardening.TmpfsSizeMiB}m"),
            };
        }

        if (hardening.Init)
        {
            host.Init = true;
        }

        if (hardening.NoSwap)
        {
            host.MemorySwap = memoryBytes;
            host.MemorySwappiness = 0;
        }

        if (hardening.PidsLimit > 0)
        {
            host.PidsLimit = hardening.PidsLimit;
        }

        if (hardening.Ulimits.Count > 0)
        {
            host.Ulimits = [.. hardening.Ulimits.Select(u => new Ulimit { Name = u.Key, Soft = u.Value, Hard = u.Value })];
        }
    }
}
