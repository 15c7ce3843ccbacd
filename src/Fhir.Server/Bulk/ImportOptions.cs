namespace Fhir.Server.Bulk;

/// <summary>Bulk ingest (<c>$import</c>), bound from the <c>Import</c> configuration section.</summary>
public sealed class ImportOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Import";

    /// <summary>
    /// Where uploaded NDJSON is staged and the reports of rejected resources are written, one folder per import, owner-only.
    /// Default <c>data/import</c>. Server processes that share a PostgreSQL database need a shared folder here too.
    /// </summary>
    public string Path { get; set; } = System.IO.Path.Combine("data", "import");

    /// <summary>The largest NDJSON body <c>$import</c> takes (it is staged on disk, never held in memory). Default 8 GiB.</summary>
    public long MaxUploadBytes { get; set; } = 8L * 1024 * 1024 * 1024;

    /// <summary>
    /// URL prefixes (<c>https://files.example.org/exports/</c>) the server may fetch <c>$import</c> inputs from. Default none:
    /// inputs are uploaded, or are this server's own export files. The server fetches only from these, so that a client
    /// cannot make it reach other hosts.
    /// </summary>
    public IList<string> AllowedSources { get; } = [];

    /// <summary>Resources validated together and stored in one transaction. Default 500.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>Fails start-up when a value is not usable.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Path) || MaxUploadBytes < 1 || BatchSize < 1
            || AllowedSources.Any(s => !Uri.TryCreate(s, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")))
        {
            throw new InvalidOperationException("Import options out of range: Path set, MaxUploadBytes >= 1, BatchSize >= 1, AllowedSources absolute http(s) URLs.");
        }
    }
}
