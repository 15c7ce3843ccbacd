using Fhir.Core.Outcomes;

namespace Fhir.Server.Http;

/// <summary>
/// What the response size limit (<see cref="FhirServerOptions.MaxResponseBytes"/>) says when it cuts a response short
/// or refuses one: one wording for every interaction.
/// </summary>
internal static class ResponseLimits
{
    /// <summary>
    /// Bytes a Bundle entry takes around its resource: the full URL (base, type, id), the search mode, or a history
    /// entry's request and response, and the SUBSETTED tag <c>_summary</c>/<c>_elements</c> may add.
    /// </summary>
    public static int EntryOverhead(string baseUrl) => baseUrl.Length + 400;

    /// <summary>The size to expect of a Bundle of <paramref name="resources"/> (for <see cref="Bundles.BundleWriter"/>'s buffer).</summary>
    public static long SizeHint(IEnumerable<Storage.ResourceVersion> resources, string baseUrl) =>
        resources.Sum(r => (long)r.Json.Length + EntryOverhead(baseUrl)) + 16 * 1024;

    /// <summary>
    /// What to keep free of resources in a Bundle of at most <paramref name="limit"/> bytes: its own members, up to four
    /// links naming <paramref name="url"/> (and a cursor), and an OperationOutcome entry of warnings.
    /// </summary>
    public static long ForResources(long limit, string url, IReadOnlyList<KeyValuePair<string, string>> query) =>
        limit - 4 * (url.Length + query.Sum(p => 2L * (p.Key.Length + p.Value.Length + 2)) + 256) - OutcomeReserve;

    /// <summary>Room kept for the OperationOutcome entry of a page's warnings.</summary>
    public const int OutcomeReserve = 4096;

    /// <summary>True for the responses this class makes when the limit is reached (an entry too large, a Bundle that is full).</summary>
    public static bool IsLimitReached(FhirResponse response) =>
        response.Status == 413 && response.Issues.Any(i => i.Message.Contains(Key, StringComparison.Ordinal));

    private const string Key = "(Fhir:MaxResponseBytes)";

    /// <summary>The warning of a search page that holds fewer matches than asked for because of the limit.</summary>
    public static Issue PageCut(int held, int asked, long limit) => Issue.Warning(IssueType.TooCostly,
        $"This page holds {held} of the {asked} matches asked for: the response reached its size limit of {limit} bytes (Fhir:MaxResponseBytes). The next link continues after the last match.",
        "_count");

    /// <summary>The warning of a page whose <c>_include</c>/<c>_revinclude</c> resources were cut short by the limit.</summary>
    public static Issue IncludesCut(long limit) => Issue.Warning(IssueType.TooCostly,
        $"Not every included resource is returned: the response reached its size limit of {limit} bytes (Fhir:MaxResponseBytes). Ask for a smaller _count.",
        "_include");

    /// <summary>A response that would be larger than the limit even at its smallest (one match, one resource).</summary>
    public static FhirResponse TooLarge(long size, long limit) => FhirResponse.Error(413, IssueType.TooCostly,
        $"The response would be {size} bytes, more than the limit of {limit} bytes (Fhir:MaxResponseBytes); read the resources one by one.");

    /// <summary>A batch entry (or a transaction's read) that was not processed because the Bundle response had reached the limit.</summary>
    public static FhirResponse BatchFull(int index, long limit) => FhirResponse.Error(413, IssueType.TooCostly,
        $"Not processed: the Bundle response reached its size limit of {limit} bytes (Fhir:MaxResponseBytes) before entry {index}. Split the Bundle and send this entry again.");

    /// <summary>A batch or transaction entry whose response was left out because it did not fit in the limit.</summary>
    public static FhirResponse EntryTooLarge(int index, long size, long remaining, long limit) => FhirResponse.Error(413, IssueType.TooCostly,
        $"The response of entry {index} ({size} bytes) does not fit in what is left ({remaining} bytes) of the Bundle response's size limit of {limit} bytes (Fhir:MaxResponseBytes); send it on its own or in a smaller batch.");

    /// <summary>The note of a write entry whose resource was left out of the response (the write itself happened).</summary>
    public static Issue RepresentationLeftOut(long limit) => Issue.Warning(IssueType.TooCostly,
        $"The resource was written; it is left out of this entry because the Bundle response reached its size limit of {limit} bytes (Fhir:MaxResponseBytes). Read it by its location.");
}
