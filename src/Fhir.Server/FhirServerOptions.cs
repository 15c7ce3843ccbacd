using Fhir.Search.Queries;

namespace Fhir.Server;

/// <summary>Server behaviour and limits, bound from the <c>Fhir</c> configuration section.</summary>
public sealed class FhirServerOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Fhir";

    /// <summary>
    /// The public base URL (<c>https://example.org/fhir</c>) used in Location headers, Bundle links, the SMART
    /// configuration and as the audience of client assertions (its origin's <c>/auth/token</c>). Required in the
    /// Production environment; elsewhere, when unset, taken from each request whose Host is allowed
    /// (<c>AllowedHosts</c>, or the loopback names).
    /// </summary>
    public string? BaseUrl { get; set; }

    /// <summary>Largest accepted request body, in bytes; larger ones get 413. Default 16 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Most JSON values (objects, arrays, primitives) a patch may leave in a resource, checked as its operations apply;
    /// more gets 413. Default 200,000. The request body limit applies to the patched resource too.
    /// </summary>
    public int MaxPatchElements { get; set; } = 200_000;

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

    /// <summary>
    /// Most bytes one response Bundle may take (a search or history page with its includes, a whole batch or
    /// transaction response). A search page stops adding matches at it (a page may hold fewer than <c>_count</c>;
    /// its next link goes on after the last match, and an OperationOutcome entry says so) and includes are cut short;
    /// batch entries beyond it get 413 without being processed. Default 32 MiB; at least <see cref="MaxRequestBodyBytes"/>.
    /// </summary>
    public long MaxResponseBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>
    /// Most criteria in one search, conditional operations included: each parameter, each further link of a chain or
    /// <c>_has</c>, and each <c>_sort</c> key counts one; more gets 400 (too-costly). Default 32, at most 64.
    /// </summary>
    public int MaxSearchCriteria { get; set; } = SearchLimits.Default.MaxCriteria;

    /// <summary>Most alternatives of one search parameter (<c>code=a,b,c</c>, a <c>:in</c> expansion); more gets 400. Default 500, at most 1,000.</summary>
    public int MaxSearchValuesPerParameter { get; set; } = SearchLimits.Default.MaxValuesPerCriterion;

    /// <summary>Most values in one search; more gets 400. Default 1,000, at most 1,000.</summary>
    public int MaxSearchValues { get; set; } = SearchLimits.Default.MaxValues;

    /// <summary>Longest search value, in characters; longer gets 400 (too-long). Default 4,096, at most 16,000.</summary>
    public int MaxSearchValueLength { get; set; } = SearchLimits.Default.MaxValueLength;

    /// <summary>The search limits these options set.</summary>
    public SearchLimits ToSearchLimits() => new()
    {
        MaxCriteria = MaxSearchCriteria,
        MaxValuesPerCriterion = MaxSearchValuesPerParameter,
        MaxValues = MaxSearchValues,
        MaxValueLength = MaxSearchValueLength,
    };

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
    /// How often, in milliseconds, each server process reads what the others on the same database changed (conformance
    /// resources and SearchParameters written through them) and shares its per-client request counts. Default 500, so
    /// that a change made through one process is in force on every other within a second.
    /// </summary>
    public int NodeSyncMilliseconds { get; set; } = 500;

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
        if (BaseUrl is not null
            && (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.Query.Length > 0 || url.Fragment.Length > 0))
        {
            throw new InvalidOperationException($"Fhir:BaseUrl must be an absolute http or https URL without query or fragment (such as https://example.org/fhir), not '{BaseUrl}'.");
        }
        if (NodeSyncMilliseconds is < 10 or > 60_000)
        {
            throw new InvalidOperationException("Fhir:NodeSyncMilliseconds must be between 10 and 60,000.");
        }
        if (MaxRequestBodyBytes < 1024 || MaxJsonDepth < 8 || MaxBundleEntries < 1 || DefaultPageSize < 1 || MaxPageSize < DefaultPageSize || MaxIncludedResources < 1 || MaxPatchElements < 1000 || MaxResponseBytes < MaxRequestBodyBytes)
        {
            throw new InvalidOperationException(
                "Fhir options out of range: MaxRequestBodyBytes >= 1024, MaxJsonDepth >= 8, MaxBundleEntries >= 1, 1 <= DefaultPageSize <= MaxPageSize, MaxIncludedResources >= 1, MaxPatchElements >= 1000, MaxResponseBytes >= MaxRequestBodyBytes.");
        }
        try
        {
            ToSearchLimits().Validate();
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException("Fhir:MaxSearchCriteria, Fhir:MaxSearchValuesPerParameter, Fhir:MaxSearchValues, Fhir:MaxSearchValueLength: " + e.Message, e);
        }
    }
}
