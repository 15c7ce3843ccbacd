namespace Fhir.Server;

/// <summary>Server behaviour and limits, bound from the <c>Fhir</c> configuration section.</summary>
public sealed class FhirServerOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Fhir";

    /// <summary>
    /// The public base URL (<c>https://example.org/fhir</c>) used in Location headers and Bundle links;
    /// when unset, taken from each request (scheme, host and the <c>/fhir</c> path).
    /// </summary>
    public string? BaseUrl { get; set; }

    /// <summary>Largest accepted request body, in bytes; larger ones get 413. Default 16 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Deepest JSON nesting accepted in a body; deeper gets 400. Default 64.</summary>
    public int MaxJsonDepth { get; set; } = 64;

    /// <summary>Most entries accepted in a batch or transaction Bundle; more gets 413. Default 10,000.</summary>
    public int MaxBundleEntries { get; set; } = 10_000;

    /// <summary>Page size of searches and history when the client gives no <c>_count</c>. Default 20.</summary>
    public int DefaultPageSize { get; set; } = 20;

    /// <summary>Largest page size a client may ask for. Default 1,000.</summary>
    public int MaxPageSize { get; set; } = 1_000;

    /// <summary>
    /// Most resources <c>_include</c> and <c>_revinclude</c> add to one page of search results; beyond it
    /// the page says, in an OperationOutcome entry, that the includes were cut short. Default 1,000.
    /// </summary>
    public int MaxIncludedResources { get; set; } = 1_000;

    /// <summary>The folder of the trial's conformance resources (profiles, value sets, search parameters).</summary>
    public string ProfilesPath { get; set; } = "profiles";

    /// <summary>
    /// <see cref="ProfilesPath"/> as a full path: as given when it exists (relative to the working
    /// directory), otherwise the first such folder above the application (the repository's
    /// <c>profiles/</c> when run from a checkout); null when there is none.
    /// </summary>
    public string? ResolvedProfilesPath()
    {
        if (Directory.Exists(ProfilesPath))
        {
            return System.IO.Path.GetFullPath(ProfilesPath);
        }
        if (System.IO.Path.IsPathRooted(ProfilesPath))
        {
            return null;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, ProfilesPath);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>
    /// How bodies are read: <c>Strict</c> (default; an unknown element or choice type refuses the request) or <c>Lenient</c>
    /// (dropped with a warning each, the body as sent kept as a Binary linked from a Provenance). A client's own
    /// <c>Auth:Clients:&lt;n&gt;:Intake</c> overrides it.
    /// </summary>
    public Pipeline.IntakeMode Intake { get; set; } = Pipeline.IntakeMode.Strict;

    /// <summary>Additional FHIR packages (.tgz paths) to load.</summary>
    public IList<string> Packages { get; } = [];

    /// <summary>Fails start-up when a limit is not usable.</summary>
    public void Validate()
    {
        if (MaxRequestBodyBytes < 1024 || MaxJsonDepth < 8 || MaxBundleEntries < 1 || DefaultPageSize < 1 || MaxPageSize < DefaultPageSize || MaxIncludedResources < 1)
        {
            throw new InvalidOperationException(
                "Fhir options out of range: MaxRequestBodyBytes >= 1024, MaxJsonDepth >= 8, MaxBundleEntries >= 1, 1 <= DefaultPageSize <= MaxPageSize, MaxIncludedResources >= 1.");
        }
    }
}
