using Fhir.Server.Interactions;
using Fhir.Server.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using static Fhir.Server.Http.FhirHttp;

namespace Fhir.Server.Http;

/// <summary>The FHIR REST routes under <c>/fhir</c>: each maps to one interaction.</summary>
internal static class FhirEndpoints
{
    public static RouteGroupBuilder MapFhir(this IEndpointRouteBuilder app)
    {
        var fhir = app.MapGroup("/fhir");
        var capabilities = new Lazy<Capabilities>(() => new Capabilities(app.ServiceProvider.GetRequiredService<ServerContext>()));

        fhir.MapGet("/metadata", (HttpContext h, ServerContext c) => Run(h, c, Body.None, (r, _) => Task.FromResult(capabilities.Value.Handle(r))));
        fhir.MapGet("/", (HttpContext h, ServerContext c) => Run(h, c, Body.None, (r, ct) => SearchSystem.HandleAsync(r, c, ct)));
        fhir.MapPost("/_search", (HttpContext h, ServerContext c) => Run(h, c, Body.Form, (r, ct) => SearchSystem.HandleAsync(r, c, ct)));
        fhir.MapPost("/", (HttpContext h, ServerContext c) => Run(h, c, Body.Bundle, (r, ct) => Transaction.HandleAsync(r, c, ct)));
        fhir.MapGet("/_history", (HttpContext h, ServerContext c) => Run(h, c, Body.None, (r, ct) => History.HandleAsync(r, c, ct)));
        // Other methods on the system endpoints would fall into the type routes; say what is wrong instead.
        fhir.MapMethods("/metadata", ["POST", "PUT", "PATCH", "DELETE"], (HttpContext h, ServerContext c) => Run(h, c, Body.None, (r, _) => MethodNotAllowed(r)));
        fhir.MapMethods("/_history", ["POST", "PUT", "PATCH", "DELETE"], (HttpContext h, ServerContext c) => Run(h, c, Body.None, (r, _) => MethodNotAllowed(r)));

        // Trial operations (Fhir.Trials): parameters in the query string, by GET or POST.
        fhir.MapGet("/ResearchStudy/{id}/$eligibility", (HttpContext h, ServerContext c) => Run(h, c, Body.None, (r, ct) => Interactions.Operations.EligibilityOperation.HandleAsync(r, c, ct)));
        fhir.MapPost("/ResearchStudy/{id}/$eligibility", (HttpContext h, ServerContext c) => Run(h, c, Body.None, (r, ct) => Interactions.Operations.EligibilityOperation.HandleAsync(r, c, ct)));
        fhir.MapGet("/ResearchStudy/{id}/$endpoints", (HttpContext h, ServerContext c) => Run(h, c, Body.None, (r, ct) => Interactions.Operations.EndpointsOperation.HandleAsync(r, c, ct)));
        fhir.MapPost("/ResearchStudy/{id}/$endpoints", (HttpContext h, ServerContext c) => Run(h, c, Body.None, (r, ct) => Interactions.Operations.EndpointsOperation.HandleAsync(r, c, ct)));
        fhir.MapGet("/ResearchStudy/{id}/$subject-outcomes", (HttpContext h, ServerContext c) => Run(h, c, Body.None, (r, ct) => Interactions.Operations.SubjectOutcomesOperation.HandleAsync(r, c, ct)));
        fhir.MapPost("/ResearchStudy/{id}/$subject-outcomes", (HttpContext h, ServerContext c) => Run(h, c, Body.None, (r, ct) => Interactions.Operations.SubjectOutcomesOperation.HandleAsync(r, c, ct)));
        fhir.MapGet("/ResearchStudy/{id}/$candidates", (HttpContext h, ServerContext c) => Run(h, c, Body.None, (r, ct) => Interactions.Operations.CandidatesOperation.HandleAsync(r, c, ct)));
        fhir.MapPost("/ResearchStudy/{id}/$candidates", (HttpContext h, ServerContext c) => Run(h, c, Body.None, (r, ct) => Interactions.Operations.CandidatesOperation.HandleAsync(r, c, ct)));
        // Asynchronous jobs: status URLs and the reindex operation.
        fhir.MapGet("/_jobs/{jobId}", (HttpContext h, ServerContext c, string jobId) => Run(h, c, Body.None, (_, ct) => JobStatus.GetAsync(jobId, c, ct)));
        fhir.MapDelete("/_jobs/{jobId}", (HttpContext h, ServerContext c, string jobId) => Run(h, c, Body.None, (_, ct) => JobStatus.CancelAsync(jobId, c, ct)));
        fhir.MapPost("/$reindex", (HttpContext h, ServerContext c, Jobs.JobQueue q) => Run(h, c, Body.None, (r, ct) => Reindex.HandleAsync(r, c, q, ct)));
        fhir.MapPost("/{type:fhirType}/$reindex", (HttpContext h, ServerContext c, Jobs.JobQueue q) => Run(h, c, Body.None, (r, ct) => Reindex.HandleAsync(r, c, q, ct)));

        // Bulk Data: $export of the server, of all patients, of a Group's members and of a ResearchStudy's cohort; $import; the
        // status URLs and files of both (downloads and uploads may outlast the request timeout: they stream).
        fhir.MapGet("/$export", (HttpContext h, ServerContext c, Jobs.JobQueue q, Bulk.ExportOptions o) => Run(h, c, Body.None, (r, ct) => Bulk.ExportKickOff.HandleAsync(r, c, q, o, ct)));
        fhir.MapPost("/$export", (HttpContext h, ServerContext c, Jobs.JobQueue q, Bulk.ExportOptions o) => Run(h, c, Body.Resource, (r, ct) => Bulk.ExportKickOff.HandleAsync(r, c, q, o, ct)));
        fhir.MapGet("/{type:fhirType}/$export", (HttpContext h, ServerContext c, Jobs.JobQueue q, Bulk.ExportOptions o) => Run(h, c, Body.None, (r, ct) => Bulk.ExportKickOff.HandleAsync(r, c, q, o, ct)));
        fhir.MapPost("/{type:fhirType}/$export", (HttpContext h, ServerContext c, Jobs.JobQueue q, Bulk.ExportOptions o) => Run(h, c, Body.Resource, (r, ct) => Bulk.ExportKickOff.HandleAsync(r, c, q, o, ct)));
        fhir.MapGet("/{type:fhirType}/{id}/$export", (HttpContext h, ServerContext c, Jobs.JobQueue q, Bulk.ExportOptions o) => Run(h, c, Body.None, (r, ct) => Bulk.ExportKickOff.HandleAsync(r, c, q, o, ct)));
        fhir.MapPost("/{type:fhirType}/{id}/$export", (HttpContext h, ServerContext c, Jobs.JobQueue q, Bulk.ExportOptions o) => Run(h, c, Body.Resource, (r, ct) => Bulk.ExportKickOff.HandleAsync(r, c, q, o, ct)));
        fhir.MapPost("/$import", (HttpContext h, ServerContext c, Jobs.JobQueue q, Bulk.BulkFolders f, Bulk.ImportOptions o) =>
        {
            AllowBody(h, o.MaxUploadBytes);
            return Run(h, c, Body.Stream, (r, ct) => Bulk.ImportKickOff.HandleAsync(r, c, q, f, o, ct));
        }).DisableRequestTimeout();
        fhir.MapGet("/_bulk/{jobId}", (HttpContext h, ServerContext c, Bulk.ExportOptions o, Security.AuthOptions a, string jobId) =>
            Run(h, c, Body.None, (r, ct) => Bulk.BulkStatus.GetAsync(r, jobId, c, o, a.Mode == Security.AuthMode.Smart, ct), Answers.Negotiated));
        fhir.MapDelete("/_bulk/{jobId}", (HttpContext h, ServerContext c, Bulk.BulkFolders f, string jobId) => Run(h, c, Body.None, (r, ct) => Bulk.BulkStatus.DeleteAsync(r, jobId, c, f, ct)));
        fhir.MapGet("/_bulk/{jobId}/{file}", (HttpContext h, ServerContext c, Bulk.BulkFolders f, Bulk.ExportOptions o, string jobId, string file) =>
            Run(h, c, Body.None, (r, ct) => Bulk.BulkStatus.FileAsync(r, jobId, file, c, f, o, ct), Answers.Negotiated)).DisableRequestTimeout();

        // SQL on FHIR v2: ViewDefinition/$run (ViewDefinition is not an R4 type: its routes are literal).
        fhir.MapGet("/ViewDefinition/$run", (HttpContext h, ServerContext c, Views.ServerViews v, Bulk.BulkFolders f) =>
            Run(h, c, Body.None, (r, ct) => Interactions.Operations.ViewRunOperation.HandleAsync(r, c, v, f, null, ct), Answers.Negotiated)).DisableRequestTimeout();
        fhir.MapPost("/ViewDefinition/$run", (HttpContext h, ServerContext c, Views.ServerViews v, Bulk.BulkFolders f) =>
            Run(h, c, Body.Resource, (r, ct) => Interactions.Operations.ViewRunOperation.HandleAsync(r, c, v, f, null, ct), Answers.Negotiated)).DisableRequestTimeout();
        fhir.MapGet("/ViewDefinition/{id}/$run", (HttpContext h, ServerContext c, Views.ServerViews v, Bulk.BulkFolders f, string id) =>
            Run(h, c, Body.None, (r, ct) => Interactions.Operations.ViewRunOperation.HandleAsync(r, c, v, f, id, ct), Answers.Negotiated)).DisableRequestTimeout();
        fhir.MapPost("/ViewDefinition/{id}/$run", (HttpContext h, ServerContext c, Views.ServerViews v, Bulk.BulkFolders f, string id) =>
            Run(h, c, Body.Resource, (r, ct) => Interactions.Operations.ViewRunOperation.HandleAsync(r, c, v, f, id, ct), Answers.Negotiated)).DisableRequestTimeout();

        // $validate: validation as a write would do it, nothing stored.
        fhir.MapPost("/{type:fhirType}/$validate", (HttpContext h, ServerContext c) => Run(h, c, Body.Resource, (r, ct) => Interactions.Operations.ValidateOperation.HandleAsync(r, c, ct)));
        fhir.MapPost("/{type:fhirType}/{id}/$validate", (HttpContext h, ServerContext c) => Run(h, c, Body.Resource, (r, ct) => Interactions.Operations.ValidateOperation.HandleAsync(r, c, ct)));
        fhir.MapGet("/{type:fhirType}/{id}/$validate", (HttpContext h, ServerContext c) => Run(h, c, Body.None, (r, ct) => Interactions.Operations.ValidateOperation.HandleAsync(r, c, ct)));

        fhir.MapGet("/{type:fhirType}", (HttpContext h, ServerContext c) => Run(h, c, Body.None, (r, ct) => SearchType.HandleAsync(r, c, ct)));
        fhir.MapPost("/{type:fhirType}/_search", (HttpContext h, ServerContext c) => Run(h, c, Body.Form, (r, ct) => SearchType.HandleAsync(r, c, ct)));
        fhir.MapPost("/{type:fhirType}", (HttpContext h, ServerContext c) => Run(h, c, Body.Resource, (r, ct) => Write(c, r, Create.HandleAsync, ct)));
        fhir.MapPut("/{type:fhirType}", (HttpContext h, ServerContext c) => Run(h, c, Body.Resource, (r, ct) => Write(c, r, Update.HandleConditionalAsync, ct)));
        fhir.MapDelete("/{type:fhirType}", (HttpContext h, ServerContext c) => Run(h, c, Body.None, (r, ct) => Write(c, r, Delete.HandleConditionalAsync, ct)));
        fhir.MapMethods("/{type:fhirType}", ["PATCH"], (HttpContext h, ServerContext c) => Run(h, c, Body.Patch, (r, ct) => Write(c, r, Patch.HandleConditionalAsync, ct)));
        fhir.MapGet("/{type:fhirType}/_history", (HttpContext h, ServerContext c) => Run(h, c, Body.None, (r, ct) => History.HandleAsync(r, c, ct)));

        fhir.MapGet("/{type:fhirType}/{id}", (HttpContext h, ServerContext c) => Run(h, c, Body.None, (r, ct) => Read.HandleAsync(r, c, ct)));
        fhir.MapPut("/{type:fhirType}/{id}", (HttpContext h, ServerContext c) => Run(h, c, Body.Resource, (r, ct) => Write(c, r, Update.HandleAsync, ct)));
        fhir.MapDelete("/{type:fhirType}/{id}", (HttpContext h, ServerContext c) => Run(h, c, Body.None, (r, ct) => Write(c, r, Delete.HandleAsync, ct)));
        fhir.MapMethods("/{type:fhirType}/{id}", ["PATCH"], (HttpContext h, ServerContext c) => Run(h, c, Body.Patch, (r, ct) => Write(c, r, Patch.HandleAsync, ct)));
        fhir.MapGet("/{type:fhirType}/{id}/_history", (HttpContext h, ServerContext c) => Run(h, c, Body.None, (r, ct) => History.HandleAsync(r, c, ct)));
        fhir.MapGet("/{type:fhirType}/{id}/$everything", (HttpContext h, ServerContext c) => Run(h, c, Body.None, (r, ct) => Everything.HandleAsync(r, c, ct)));
        fhir.MapGet("/{type:fhirType}/{id}/{target}", (HttpContext h, ServerContext c, string target) => Run(h, c, Body.None, (r, ct) => SearchCompartment.HandleAsync(r, c, target, ct)));
        fhir.MapPost("/{type:fhirType}/{id}/{target}/_search", (HttpContext h, ServerContext c, string target) => Run(h, c, Body.Form, (r, ct) => SearchCompartment.HandleAsync(r, c, target, ct)));
        fhir.MapGet("/{type:fhirType}/{id}/_history/{vid}", (HttpContext h, ServerContext c) => Run(h, c, Body.None, (r, ct) => VRead.HandleAsync(r, c, ct)));
        return fhir;
    }

    private static Task<FhirResponse> MethodNotAllowed(FhirRequest request) =>
        Task.FromResult(FhirResponse.Error(405, Core.Outcomes.IssueType.NotSupported, $"{request.Method} is not supported on {request.RelativeUrl}."));

    private static Task<FhirResponse> Write(
        ServerContext context, FhirRequest request,
        Func<FhirRequest, ServerContext, Pipeline.WriteSession, CancellationToken, Task<FhirResponse>> interaction, CancellationToken ct) =>
        WriteUnit.RunAsync(context, request, (session, token) => interaction(request, context, session, token), ct);
}
