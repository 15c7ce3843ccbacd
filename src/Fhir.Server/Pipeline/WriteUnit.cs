using Fhir.Core.Outcomes;
using Fhir.Server.Http;
using Fhir.Server.Security;
using Fhir.Storage;

namespace Fhir.Server.Pipeline;

/// <summary>
/// Runs one unit of work (a single write request, or a whole transaction Bundle) in one write
/// session: committed when it succeeds, rolled back when it answers with an error, and re-run
/// from the start when a concurrent writer got to the same resource first.
/// </summary>
internal static class WriteUnit
{
    private const int MaxAttempts = 8;

    /// <summary>
    /// Runs <paramref name="work"/>; when it succeeds and <paramref name="request"/> is audited, the
    /// request's AuditEvent is stored in the same transaction.
    /// </summary>
    /// <param name="context">The server.</param>
    /// <param name="request">The request the work answers (null for the server's own work).</param>
    /// <param name="work">The unit of work, re-run from its start after a write conflict.</param>
    /// <param name="ct">Cancels the work.</param>
    /// <param name="mayRollBack">
    /// <paramref name="work"/> may answer with an error after it has written (a transaction Bundle): the store keeps the
    /// means to undo it alone. Other work that does so is still undone exactly, at the cost of a retry for the sessions
    /// that shared its transaction.
    /// </param>
    public static async Task<FhirResponse> RunAsync(
        ServerContext context, FhirRequest? request, Func<WriteSession, CancellationToken, Task<FhirResponse>> work, CancellationToken ct,
        bool mayRollBack = false)
    {
        var audit = request?.Audit;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // The server's own work (a batch of audit events) runs with no grant to limit it.
                await using var session = new WriteSession(context.Store, request?.Gate ?? AccessGate.Server(context), mayRollBack);
                var response = await work(session, ct);
                string? keptBody = null;
                if (!response.IsError && request is { Intake.Dropped.Count: > 0 })
                {
                    (response, keptBody) = await KeepIntakeAsync(session, context, request, response, ct);
                }
                if (!response.IsError)
                {
                    if (audit is { Recorded: false })
                    {
                        await audit.Log.WriteInSessionAsync(session, audit, response.Status, ct);
                    }
                    await session.CommitAsync(ct);
                    if (keptBody is not null)
                    {
                        request!.Intake.BinaryId = keptBody; // the request's other units (batch entries) link to it
                    }
                    if (audit is not null)
                    {
                        audit.Recorded = true;
                    }
                    foreach (var write in session.ConformanceWrites)
                    {
                        // In force here at once; the other processes on the database follow the change log.
                        context.Validation.Apply(write.Type, write.Id, write.Method == Storage.WriteMethod.Delete ? null : write.Json, context.Definitions);
                        context.SharedDefinitions.Applied(write.Type, write.Id, write.VersionId);
                    }
                    foreach (var write in session.SearchParameterWrites)
                    {
                        context.SharedDefinitions.Applied(write.Type, write.Id, write.VersionId);
                    }
                    if (session.SearchParameterWrites.Count > 0
                        && await context.SearchParameterChanges.CommittedAsync(session.SearchParameterWrites, ct) is { } reindex)
                    {
                        // Where to follow the reindex of the resources stored before the change.
                        response = response with { Headers = [.. response.Headers, new("X-Reindex-Job", "{base}/" + Jobs.JobQueue.StatusPath(reindex.Id))] };
                    }
                }
                return response; // an error response leaves the session uncommitted: disposing rolls it back
            }
            catch (WriteConflictException) when (attempt < MaxAttempts)
            {
                // Another writer won the race; its result is committed, so a fresh attempt sees it.
                await Task.Delay(Random.Shared.Next(1, 5 * attempt), ct);
            }
            catch (WriteConflictException e)
            {
                return FhirResponse.Error(409, IssueType.Conflict, $"The resource was changed concurrently; retry the request. ({e.Message})");
            }
        }
    }

    /// <summary>
    /// Lenient intake of a single write: the dropped elements go into the response's outcome and, when a version was
    /// written, the body as sent is kept for it (<see cref="IntakeRecord"/>). A Bundle keeps its own (see Transaction).
    /// </summary>
    private static async Task<(FhirResponse Response, string? KeptBody)> KeepIntakeAsync(
        WriteSession session, ServerContext context, FhirRequest request, FhirResponse response, CancellationToken ct)
    {
        string? kept = null;
        var written = response.Location is not null && (response.Status == 201 || (response.Status == 200 && request.Method is "PUT" or "PATCH"));
        if (written)
        {
            kept = await IntakeRecord.KeepAsync(session, context, request, [response.Location!], ct);
        }
        return (response with { Issues = [.. request.Intake.Dropped, .. response.Issues], ReportIssues = true }, kept);
    }
}
