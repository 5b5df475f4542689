namespace FnSharp.Server.Dashboard;

/// <summary>One file of the dashboard, as embedded in the server.</summary>
/// <param name="Content">Its bytes.</param>
/// <param name="Gzipped">The same, gzip-compressed once at start, for clients that accept it.</param>
/// <param name="ContentType">Its media type.</param>
/// <param name="ETag">A strong validator: a hash of the content, quoted.</param>
internal sealed record DashboardAsset(byte[] Content, byte[] Gzipped, string ContentType, string ETag);
