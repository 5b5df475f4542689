using System.Globalization;

namespace FnSharp.Agent.Resources;

/// <summary>
/// Parses the kernel files that bound this host's memory and CPU (cgroup v1 and v2, <c>/proc/meminfo</c>).
/// Every parser takes a file's content (or <see langword="null"/> for a missing file) and returns
/// <see langword="null"/> when the file sets no limit or cannot be read, so that a bad file never
/// stops the server; the caller then keeps the other limits.
/// </summary>
public static class CgroupReader
{
    // cgroup v1 reports "no limit" as the largest page-aligned long (9223372036854771712) or close to it.
    private const long V1Unlimited = 1L << 62;

    /// <summary>cgroup v2 <c>memory.max</c>: a byte count, or <c>max</c> for no limit.</summary>
    /// <returns>The limit in bytes, or <see langword="null"/> for <c>max</c>, a missing or a malformed file.</returns>
    public static long? ParseMemoryMax(string? content)
    {
        var text = content?.Trim();
        if (string.IsNullOrEmpty(text) || text == "max")
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) && bytes > 0 ? bytes : null;
    }

    /// <summary>cgroup v1 <c>memory.limit_in_bytes</c>: a byte count, huge when unlimited.</summary>
    /// <returns>The limit in bytes, or <see langword="null"/> when unlimited, missing or malformed.</returns>
    public static long? ParseMemoryLimitInBytes(string? content)
    {
        var text = content?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var bytes) && bytes > 0 && bytes < V1Unlimited ? bytes : null;
    }

    /// <summary><c>/proc/meminfo</c>: the <c>MemAvailable:  N kB</c> line.</summary>
    /// <returns>The available memory in bytes, or <see langword="null"/> when the line is missing or malformed.</returns>
    public static long? ParseMemAvailable(string? meminfo)
    {
        if (meminfo is null)
        {
            return null;
        }

        foreach (var line in meminfo.Split('\n'))
        {
            if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal))
            {
                continue;
            }

            var parts = line["MemAvailable:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length is 0 or > 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return null;
            }

            var unit = parts.Length == 2 ? parts[1] : "B";
            return unit switch
            {
                "kB" => value * 1024,
                "B" => value,
                _ => null,
            };
        }

        return null;
    }

    /// <summary>cgroup v2 <c>cpu.max</c>: <c>"$QUOTA $PERIOD"</c> in microseconds, or <c>"max $PERIOD"</c> for no limit.</summary>
    /// <returns>The CPU limit in milli-CPUs (1000 = one core), or <see langword="null"/> for no limit, a missing or a malformed file.</returns>
    public static long? ParseCpuMax(string? content)
    {
        var parts = content?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts is not { Length: 1 or 2 } || parts[0] == "max")
        {
            return null;
        }

        var period = parts.Length == 2 ? parts[1] : "100000";
        return ToMilliCpus(parts[0], period);
    }

    /// <summary>cgroup v1 <c>cpu.cfs_quota_us</c> (<c>-1</c> for no limit) and <c>cpu.cfs_period_us</c>, in microseconds.</summary>
    /// <returns>The CPU limit in milli-CPUs, or <see langword="null"/> for no limit, a missing or a malformed file.</returns>
    public static long? ParseCfsQuota(string? quotaContent, string? periodContent)
    {
        var quota = quotaContent?.Trim();
        var period = periodContent?.Trim();
        if (string.IsNullOrEmpty(quota) || string.IsNullOrEmpty(period) || quota == "-1")
        {
            return null;
        }

        return ToMilliCpus(quota, period);
    }

    private static long? ToMilliCpus(string quotaText, string periodText)
    {
        if (!long.TryParse(quotaText, NumberStyles.None, CultureInfo.InvariantCulture, out var quota)
            || !long.TryParse(periodText, NumberStyles.None, CultureInfo.InvariantCulture, out var period)
            || quota <= 0 || period <= 0)
        {
            return null;
        }

        return Math.Max(1, quota * 1000 / period);
    }

    /// <summary>cgroup v2 <c>cpu.stat</c> as read (UTF-8): its <c>usage_usec</c> line, the CPU time of the group in microseconds.</summary>
    /// <returns>The CPU time, or <see langword="null"/> for a malformed file or one without that line.</returns>
    public static TimeSpan? ParseCpuStatUsage(ReadOnlySpan<byte> content)
    {
        while (!content.IsEmpty)
        {
            var end = content.IndexOf((byte)'\n');
            var line = end < 0 ? content : content[..end];
            content = end < 0 ? default : content[(end + 1)..];
            if (line.StartsWith("usage_usec "u8))
            {
                return ParseCount(line["usage_usec "u8.Length..]) is { } micros ? TimeSpan.FromMicroseconds(micros) : null;
            }
        }

        return null;
    }

    /// <summary>cgroup v1 <c>cpuacct.usage</c> as read (UTF-8): the CPU time of the group in nanoseconds.</summary>
    /// <returns>The CPU time, or <see langword="null"/> for an empty or malformed file.</returns>
    public static TimeSpan? ParseCpuacctUsage(ReadOnlySpan<byte> content) =>
        ParseCount(content) is { } nanos ? TimeSpan.FromTicks(nanos / 100) : null;

    /// <summary>
    /// <c>/proc/stat</c>'s first line (<c>cpu  user nice system idle iowait irq softirq steal ...</c>, in clock
    /// ticks): the ticks the node's CPUs were busy (all but idle and iowait) and in all.
    /// </summary>
    /// <returns>The two counts, or <see langword="null"/> for a missing or malformed file.</returns>
    public static (long Busy, long Total)? ParseProcStatCpu(string? content)
    {
        var first = (content ?? "").Split('\n', 2)[0];
        var parts = first.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 5 || parts[0] != "cpu")
        {
            return null;
        }

        long total = 0;
        long idle = 0;
        for (var i = 1; i < parts.Length && i <= 8; i++)
        {
            if (!long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
            {
                return null;
            }

            total += ticks;
            if (i is 4 or 5)
            {
                idle += ticks;
            }
        }

        return (total - idle, total);
    }

    /// <summary>A count written in decimal digits, with white space around it; <see langword="null"/> for anything else.</summary>
    private static long? ParseCount(ReadOnlySpan<byte> text)
    {
        text = text.Trim(" \t\n"u8);
        return !text.IsEmpty && char.IsAsciiDigit((char)text[0]) && System.Buffers.Text.Utf8Parser.TryParse(text, out long count, out var consumed) && consumed == text.Length && count >= 0 ? count : null;
    }
}
