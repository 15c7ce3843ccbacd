using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Fhir.Cli.Remote;

/// <summary>Reads every resource of a type from a FHIR server by searching and following the Bundles' <c>next</c> links.</summary>
internal static class ServerResources
{
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(
        ServerConnection server, string resourceType, int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Uri? next = new(server.BaseUrl, $"{resourceType}?_count={pageSize}");
        while (next is not null)
        {
            var page = next;
            using var response = await server.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, page)
            {
                Headers = { Accept = { new("application/fhir+json") } },
            }, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new RemoteException($"GET {page} answered {(int)response.StatusCode}: {ServerConnection.Shorten(System.Text.Encoding.UTF8.GetString(body))}");
            }
            var (resources, link) = Read(body);
            foreach (var resource in resources)
            {
                yield return resource;
            }
            next = link is null ? null : new Uri(server.BaseUrl, link);
        }
    }

    private static (List<ReadOnlyMemory<byte>> Resources, string? Next) Read(byte[] body)
    {
        using var bundle = JsonDocument.Parse(body);
        var resources = new List<ReadOnlyMemory<byte>>();
        if (bundle.RootElement.TryGetProperty("entry", out var entries))
        {
            foreach (var entry in entries.EnumerateArray())
            {
                // Included resources (search.mode = include) are not the type's own.
                var included = entry.TryGetProperty("search", out var search) && search.TryGetProperty("mode", out var mode) && mode.ValueEquals("include");
                if (!included && entry.TryGetProperty("resource", out var resource))
                {
                    resources.Add(JsonMarshal.GetRawUtf8Value(resource).ToArray());
                }
            }
        }
        string? next = null;
        if (bundle.RootElement.TryGetProperty("link", out var links))
        {
            foreach (var link in links.EnumerateArray())
            {
                if (link.TryGetProperty("relation", out var relation) && relation.ValueEquals("next"))
                {
                    next = link.GetProperty("url").GetString();
                }
            }
        }
        return (resources, next);
    }
}
