using System.Net.Http.Headers;
using FnSharp.Core.Registries;

namespace FnSharp.Cli.Images;

/// <summary>
/// Finds out, before a build, how a registry speaks: <c>GET /v2/</c> (the registry API's base, which answers
/// 200 or 401) over HTTPS, then over plain HTTP. A TLS certificate is not checked here (nothing but the probe is
/// sent; the engine checks it when it pushes, with <c>/etc/docker/certs.d</c>), so a registry with a private
/// certificate counts as HTTPS.
/// </summary>
internal static class RegistryProbe
{
    /// <summary>How long each of the two requests may take.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>How <paramref name="registry"/> (<c>host[:port]</c>) answers; Docker Hub is HTTPS without asking.</summary>
    /// <exception cref="CliException">The registry answers neither over HTTPS nor over HTTP.</exception>
    public static async Task<RegistryTransport> ProbeAsync(string registry, CancellationToken cancellationToken)
    {
        if (registry == ImageReference.DockerHub)
        {
            return RegistryTransport.Https;
        }

        using var handler = new HttpClientHandler
        {
            // The probe only learns whether TLS is spoken; it sends no credentials and reads nothing.
            ServerCertificateCustomValidationCallback = static (_, _, _, _) => true,
            AllowAutoRedirect = false,
        };
        using var http = new HttpClient(handler) { Timeout = Timeout };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("fnsharp", "probe"));
        var https = await TryGetAsync(http, $"https://{registry}/v2/", cancellationToken);
        if (https is null)
        {
            return RegistryTransport.Https;
        }

        var plain = await TryGetAsync(http, $"http://{registry}/v2/", cancellationToken);
        return plain is null
            ? RegistryTransport.PlainHttp
            : throw new CliException(
                $"cannot reach the registry {registry}: over HTTPS, {https}; over HTTP, {plain}",
                "Is it running, and is the name right? The CLI checks the registry before it builds; the image is pushed by the Docker engine.");
    }

    /// <summary>Null when the registry answered (any status); otherwise why not.</summary>
    private static async Task<string?> TryGetAsync(HttpClient http, string url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return null;
        }
        catch (HttpRequestException e)
        {
            return Innermost(e);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no answer within {Timeout.TotalSeconds:0} s";
        }
    }

    private static string Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e.Message;
    }
}
