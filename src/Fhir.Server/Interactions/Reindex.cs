using Fhir.Server.Http;
using Fhir.Server.Jobs;

namespace Fhir.Server.Interactions;

/// <summary>
/// <c>POST [base]/$reindex</c> and <c>POST [base]/[type]/$reindex</c>: rebuilds the search index
/// of every current resource (of the type) with the search parameters in force, as a background
/// job; answers 202 with the job's status URL (asynchronous request pattern). <c>code</c>
/// parameters (repeatable) limit it to those search parameters.
/// </summary>
internal static class Reindex
{
    public static async Task<FhirResponse> HandleAsync(FhirRequest request, ServerContext context, JobQueue queue, CancellationToken ct)
    {
        IReadOnlyList<string> types = request.ResourceType is { } type ? [type] : context.Definitions.ResourceTypeNames;
        var codes = request.Query.Where(p => p.Key == "code").SelectMany(p => p.Value.Split(',')).Where(c => c.Length > 0).Distinct().ToList();
        var job = await queue.EnqueueReindexAsync(types, codes.Count == 0 ? null : codes, ct);
        return JobStatus.Accepted(job);
    }
}
