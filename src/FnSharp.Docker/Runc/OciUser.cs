using System.Globalization;

namespace FnSharp.Docker.Runc;

/// <summary>The numeric user a container's process runs as, and its home directory.</summary>
/// <param name="Uid">The user id.</param>
/// <param name="Gid">The primary group id.</param>
/// <param name="Home">The user's home directory in the image (<c>/</c> when the image does not say).</param>
internal sealed record OciUser(uint Uid, uint Gid, string Home)
{
    /// <summary>
    /// Resolves a Docker user (<c>""</c>, <c>uid</c>, <c>uid:gid</c>, <c>name</c>, <c>name:group</c>) against the image's
    /// <c>/etc/passwd</c> and <c>/etc/group</c>, as Docker does: an empty user is root; a numeric user not in
    /// <c>/etc/passwd</c> gets group 0 unless one is given; a name must be in the file.
    /// </summary>
    /// <param name="user">The user, as <c>FN_DOCKER_USER</c> or the image's <c>USER</c> gives it.</param>
    /// <param name="passwd">The image's <c>/etc/passwd</c>, or <see langword="null"/> when it has none.</param>
    /// <param name="group">The image's <c>/etc/group</c>, or <see langword="null"/> when it has none.</param>
    /// <returns>The user, or why it cannot be resolved (naming the user and the file).</returns>
    public static (OciUser? User, string? Problem) Resolve(string? user, string? passwd, string? group)
    {
        var text = user?.Trim() ?? string.Empty;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? text : text[..colon];
        var groupName = colon < 0 ? null : text[(colon + 1)..];
        var users = Entries(passwd);

        string[]? entry;
        uint uid;
        if (name.Length == 0)
        {
            uid = 0;
            entry = users.FirstOrDefault(e => e[2] == "0");
        }
        else if (uint.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out uid))
        {
            entry = users.FirstOrDefault(e => e[2] == name);
        }
        else
        {
            entry = users.FirstOrDefault(e => e[0] == name);
            if (entry is null || !uint.TryParse(entry[2], NumberStyles.None, CultureInfo.InvariantCulture, out uid))
            {
                return (null, $"user '{name}' is not in the image's /etc/passwd");
            }
        }

        uint gid = 0;
        if (groupName is { Length: > 0 })
        {
            if (!uint.TryParse(groupName, NumberStyles.None, CultureInfo.InvariantCulture, out gid))
            {
                var groupEntry = Entries(group).FirstOrDefault(e => e[0] == groupName);
                if (groupEntry is null || !uint.TryParse(groupEntry[2], NumberStyles.None, CultureInfo.InvariantCulture, out gid))
                {
                    return (null, $"group '{groupName}' is not in the image's /etc/group");
                }
            }
        }
        else if (entry is not null && entry.Length > 3)
        {
            _ = uint.TryParse(entry[3], NumberStyles.None, CultureInfo.InvariantCulture, out gid);
        }

        var home = entry is { Length: > 5 } && entry[5].StartsWith('/') ? entry[5] : "/";
        return (new OciUser(uid, gid, home), null);
    }

    // The colon-separated lines of /etc/passwd or /etc/group with at least name, password and id.
    private static List<string[]> Entries(string? file) =>
        (file ?? string.Empty).Split('\n').Select(line => line.TrimEnd('\r').Split(':')).Where(fields => fields.Length >= 3 && fields[0].Length > 0 && !fields[0].StartsWith('#')).ToList();
}
