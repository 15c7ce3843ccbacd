namespace Fhir.Server.Bulk;

/// <summary>Bulk Data <c>$export</c>, bound from the <c>Export</c> configuration section.</summary>
public sealed class ExportOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Export";

    /// <summary>
    /// Where export files are written, one folder per export, owner-only like the database files. Default
    /// <c>data/export</c> under the working directory. Server processes that share a PostgreSQL database run each
    /// other's exports and serve each other's files: give them a shared folder here.
    /// </summary>
    public string Path { get; set; } = System.IO.Path.Combine("data", "export");

    /// <summary>Resources per NDJSON file; a type with more gets several files. Default 100,000.</summary>
    public int ResourcesPerFile { get; set; } = 100_000;

    /// <summary>How long the files of a completed export stay available (the manifest's <c>Expires</c>). Default 24 hours.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Exports a client may have queued or running at once; one more is answered 429 with <c>Retry-After</c>. Default 4.</summary>
    public int MaxActivePerClient { get; set; } = 4;

    /// <summary>How often expired and cancelled exports are looked for and their files removed. Default 5 minutes.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Fails start-up when a value is not usable.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Path) || ResourcesPerFile < 1 || Retention <= TimeSpan.Zero || MaxActivePerClient < 1 || SweepInterval <= TimeSpan.Zero)
        {
            throw new InvalidOperationException("Export options out of range: Path set, ResourcesPerFile >= 1, Retention > 0, MaxActivePerClient >= 1, SweepInterval > 0.");
        }
    }
}
