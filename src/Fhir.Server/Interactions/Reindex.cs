using Fhir.Server.Http;
using Fhir.Server.Jobs;

namespace Fhir.Server.Interactions;

/// <summary>
/// <c>POST [base]/$reindex</c> and <c>POST [base]/[type]/$reindex</c>: rebuilds the search index
/// of every current resource (of the type) with the search parameters in force, as a background
/// job; answers 202 with the job's status URL (asynchronous request pattern).
/// </summary>
internal static class Reindex
{
    public static async Task<FhirResponse> HandleAsync(FhirRequest request, ServerContext context, JobQueue queue, CancellationToken ct)
    {
        IReadOnlyList<string> types = request.ResourceType is { } type ? [type] : context.Definitions.ResourceTypeNames;
        var job = await queue.EnqueueReindexAsync(types, codes: null, ct);
        return JobStatus.Accepted(job);
    }
}
