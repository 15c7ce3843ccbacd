using Fhir.Core.Json;
using Fhir.Core.Model;
using Fhir.Core.Outcomes;
using Fhir.Server.Bundles;
using Fhir.Server.Http;
using Fhir.Server.Pipeline;
using Fhir.Server.Security;
using Fhir.Storage;

namespace Fhir.Server.Interactions;

/// <summary>
/// batch and transaction: <c>POST [base]</c> with a Bundle (FHIR R4 RESTful API §3.1.0.11). A batch runs
/// each entry on its own; a transaction runs all of them in one database transaction (all or nothing),
/// in the specification's order (DELETE, POST, PUT, PATCH, then GET), with <c>urn:uuid</c> and
/// conditional references resolved to the ids the server assigns or finds.
/// </summary>
/// <remarks>
/// The response is bounded by <see cref="FhirRequest.MaxResponseBytes"/>, and each entry's response is written into it
/// as it is made. A batch gives each entry what is left (a search entry's page stops there); once nothing is left, the
/// remaining entries are not processed and answer 413 (split the batch). A transaction's writes commit or fail as a
/// whole, before the response is built: a write whose resource does not fit is answered without it (its location,
/// version and a note in <c>response.outcome</c>), and a read that does not fit answers 413 in its entry.
/// </remarks>
internal static class Transaction
{
    private static readonly string[] ProcessingOrder = ["POST", "PUT", "PATCH"];

    public static async Task<FhirResponse> HandleAsync(FhirRequest request, ServerContext context, CancellationToken ct)
    {
        if (request.Body.IsEmpty)
        {
            return FhirResponse.Error(400, IssueType.Required, "POST to the base URL needs a batch or transaction Bundle.");
        }
        // Read the Bundle even when some entries are invalid: in a batch, those entries fail on their own.
        var parsed = FhirJsonReader.Parse(request.Body.Span, ResourceBody.ReaderOptions(request, context), context.Definitions);
        request.Intake.Record(parsed.Issues); // lenient intake: dropped elements, each with its Bundle.entry[i] path
        var bundle = parsed.Resource;
        if (bundle is null || bundle.Type.Name != "Bundle")
        {
            return bundle is null
                ? FhirResponse.Error(400, parsed.Issues.Where(i => i.IsError).ToList())
                : FhirResponse.Error(400, IssueType.Invalid, $"POST to the base URL takes a Bundle, not a {bundle.Type.Name}.", bundle.Type.Name);
        }
        var bundleType = bundle.GetString("type");
        if (bundleType is not ("batch" or "transaction"))
        {
            return FhirResponse.Error(400, IssueType.Invalid, $"POST to the base URL takes a batch or transaction Bundle, not a '{bundleType}' Bundle.", "Bundle.type");
        }
        var entries = bundle.ChildrenNamed("entry").ToList();
        if (entries.Count > context.Options.MaxBundleEntries)
        {
            return FhirResponse.Error(413, IssueType.TooCostly, $"The Bundle has {entries.Count} entries; the limit is {context.Options.MaxBundleEntries}.", "Bundle.entry");
        }

        var errors = parsed.Issues.Where(i => i.IsError).ToList();
        var entryErrors = new List<Issue>?[entries.Count];
        foreach (var issue in errors)
        {
            if (EntryIndex(issue.Expression) is not { } index || bundleType == "transaction")
            {
                return FhirResponse.Error(400, errors);
            }
            (entryErrors[index] ??= []).Add(issue);
        }
        var dropped = DroppedByEntry(request.Intake, entries.Count);
        var requests = new FhirRequest?[entries.Count];
        var deniedEntries = new FhirResponse?[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            if (entryErrors[i] is null)
            {
                (requests[i], var error) = EntryRequest.Read(entries[i], i, request, context);
                if (requests[i] is { } read && dropped[i] is { } entryDrops)
                {
                    requests[i] = read with { Intake = request.Intake.ForEntry(entryDrops) };
                }
                if (error is not null)
                {
                    entryErrors[i] = [error];
                }
                else if (requests[i] is { } entry)
                {
                    // Each entry needs the permission it would need on its own; what it reads and writes passes the
                    // request's access gate like any other interaction.
                    var denied = AccessControl.Check(entry, context);
                    if (denied is not null)
                    {
                        if (bundleType == "transaction")
                        {
                            return EntryFailed(i, denied);
                        }
                        requests[i] = null;
                        deniedEntries[i] = denied;
                    }
                }
            }
        }
        return bundleType == "batch"
            ? await BatchAsync(request, context, requests, entryErrors, deniedEntries, ct)
            : await TransactionAsync(request, context, entries, requests, entryErrors, ct);
    }

    private static async Task<FhirResponse> BatchAsync(
        FhirRequest request, ServerContext context, FhirRequest?[] requests, List<Issue>?[] entryErrors, FhirResponse?[] denied, CancellationToken ct)
    {
        var limit = request.MaxResponseBytes;
        using var bundle = new BundleWriter("batch-response", request.BaseUrl, sizeLimit: limit);
        var full = false;
        for (var i = 0; i < requests.Length; i++)
        {
            var room = limit - bundle.Length;
            FhirResponse response;
            if (full || room <= 0)
            {
                response = ResponseLimits.BatchFull(i, limit);
            }
            else if (requests[i] is { } entry)
            {
                entry = entry with { MaxResponseBytes = room };
                response = await AccessControl.GuardAsync(entry.Gate, () => IsRead(entry)
                    ? DispatchReadAsync(entry, context, ct)
                    : WriteUnit.RunAsync(context, entry, (session, token) => DispatchWriteAsync(entry, context, session, token), ct));
            }
            else
            {
                response = denied[i] ?? FhirResponse.Error(400, entryErrors[i]!);
            }
            // Once an entry has not fitted, nothing after it is processed: the answer is the same for every later entry.
            full |= !AddEntry(bundle, request, response, i, requests[i] is { } read && IsRead(read)) || ResponseLimits.IsLimitReached(response);
        }
        return new FhirResponse(200) { Body = bundle.Finish() };
    }

    private static async Task<FhirResponse> TransactionAsync(
        FhirRequest request, ServerContext context, List<ElementNode> entries, FhirRequest?[] requests, List<Issue>?[] entryErrors, CancellationToken ct)
    {
        for (var i = 0; i < requests.Length; i++)
        {
            if (entryErrors[i] is { } issues)
            {
                return FhirResponse.Error(400, issues);
            }
        }
        var fullUrls = entries.Select(e => e.GetString("fullUrl")).ToArray();
        var duplicate = fullUrls.Where(u => u is not null).GroupBy(u => u).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            return FhirResponse.Error(400, IssueType.Duplicate, $"The fullUrl '{duplicate.Key}' appears in more than one entry.", "Bundle.entry.fullUrl");
        }

        var responses = new FhirResponse[requests.Length];
        var outcome = await WriteUnit.RunAsync(context, request, async (session, token) =>
        {
            // Each attempt starts from the request as sent: a retry after a write conflict must decide conditions afresh.
            Array.Clear(responses);
            var work = requests.Select(r => r! with { Resource = r.Resource?.DeepCopy() }).ToArray();
            // Deletes first, so that the conditions of creates and updates see them (the specification's order).
            var deleted = await RunAsync("DELETE");
            if (deleted is not null)
            {
                return deleted;
            }
            var resolution = await ResolveIdsAsync(session, context, work, fullUrls, responses, token);
            if (resolution is not null)
            {
                return resolution;
            }
            foreach (var method in ProcessingOrder)
            {
                var failed = await RunAsync(method);
                if (failed is not null)
                {
                    return failed;
                }
            }
            await KeepIntakeAsync(session, context, work, responses, token);
            return new FhirResponse(200);

            async Task<FhirResponse?> RunAsync(string method)
            {
                for (var i = 0; i < work.Length; i++)
                {
                    if (work[i].Method != method || responses[i] is not null)
                    {
                        continue;
                    }
                    var entry = work[i];
                    var response = await AccessControl.GuardAsync(entry.Gate, () => DispatchWriteAsync(entry, context, session, token));
                    if (response.IsError)
                    {
                        return EntryFailed(i, response);
                    }
                    responses[i] = response;
                }
                return null;
            }
        }, ct, mayRollBack: true);
        if (outcome.IsError)
        {
            return outcome;
        }
        // Reads run last, after the writes are committed, so that they see them; each when its entry is written, with
        // the room the response has left.
        var limit = request.MaxResponseBytes;
        using var bundle = new BundleWriter("transaction-response", request.BaseUrl, sizeLimit: limit);
        for (var i = 0; i < requests.Length; i++)
        {
            var read = IsRead(requests[i]!);
            if (read)
            {
                var room = limit - bundle.Length;
                var entry = requests[i]! with { MaxResponseBytes = room };
                responses[i] = room <= 0 ? ResponseLimits.BatchFull(i, limit) : await AccessControl.GuardAsync(entry.Gate, () => DispatchReadAsync(entry, context, ct));
            }
            _ = AddEntry(bundle, request, responses[i], i, read);
        }
        return new FhirResponse(200) { Body = bundle.Finish() };
    }

    private static bool IsRead(FhirRequest entry) => entry.Method is "GET" or "HEAD";

    /// <summary>
    /// Writes entry <paramref name="index"/>'s response into the Bundle response, within its size limit: a read that does
    /// not fit is replaced by 413; a write is answered without its resource (it was written) and says why. False when
    /// the response did not fit.
    /// </summary>
    private static bool AddEntry(BundleWriter bundle, FhirRequest request, FhirResponse response, int index, bool read)
    {
        var limit = request.MaxResponseBytes;
        var preference = request.Conditions.Return;
        var carried = response.IsError || preference != ReturnPreference.Representation ? 0 : response.Body.Length;
        var room = limit - bundle.Length;
        if (carried > 0 && carried > room)
        {
            if (read)
            {
                bundle.AddResponseEntry(ResponseLimits.EntryTooLarge(index, carried, Math.Max(0, room), limit), preference);
                return false;
            }
            bundle.AddResponseEntry(response with { Body = ReadOnlyMemory<byte>.Empty }, preference, [ResponseLimits.RepresentationLeftOut(limit)]);
            return false;
        }
        bundle.AddResponseEntry(response, preference);
        return true;
    }

    /// <summary>
    /// Gives every POST its id (new, or the existing resource's for a matching conditional create),
    /// resolves conditional PUT targets, then points every reference at the ids found.
    /// </summary>
    private static async Task<FhirResponse?> ResolveIdsAsync(
        WriteSession session, ServerContext context, FhirRequest[] requests, string?[] fullUrls, FhirResponse?[] responses, CancellationToken ct)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < requests.Length; i++)
        {
            var entry = requests[i];
            string? target = null;
            if (entry.Method == "POST" && entry.ResourceType is not null && entry.Id is null)
            {
                var (existing, error) = await Create.FindExistingAsync(session, context, entry.ResourceType, entry.Conditions.IfNoneExist, ct);
                if (error is not null)
                {
                    return EntryFailed(i, error);
                }
                if (existing is not null)
                {
                    responses[i] = existing;
                    target = existing.Location![..existing.Location!.IndexOf("/_history/", StringComparison.Ordinal)];
                }
                else
                {
                    var id = ServerContext.NewId();
                    requests[i] = entry with { Id = id, Method = "POST" };
                    target = $"{entry.ResourceType}/{id}";
                }
            }
            else if (entry.Method == "PUT" && entry.ResourceType is not null)
            {
                if (entry.Id is null)
                {
                    var condition = Update.ConditionText(entry);
                    var (ids, error) = await ConditionalMatch.FindAsync(session, context, entry.ResourceType, condition, ct);
                    if (error is not null || ids.Count > 1)
                    {
                        return EntryFailed(i, error ?? ConditionalMatch.MultipleMatches(entry.ResourceType, condition));
                    }
                    var id = ids.Count == 1 ? ids[0] : entry.Resource?.GetString("id") ?? ServerContext.NewId();
                    requests[i] = entry with { Id = id, Query = [] };
                    target = $"{entry.ResourceType}/{id}";
                }
                else
                {
                    target = $"{entry.ResourceType}/{entry.Id}";
                }
            }
            if (target is not null && fullUrls[i] is { } fullUrl)
            {
                map[fullUrl] = target;
            }
        }

        for (var i = 0; i < requests.Length; i++)
        {
            if (requests[i].Resource is { } resource)
            {
                var error = await ReferenceResolver.RewriteAsync(resource, map, session, context, ct);
                if (error is not null)
                {
                    return EntryFailed(i, error);
                }
            }
        }
        return null;
    }

    /// <summary>
    /// Lenient intake of a transaction: each entry's dropped elements go into its <c>response.outcome</c>, and the body as
    /// sent is kept once, with one Provenance for the versions written from entries that lost elements (inside the
    /// transaction, so all or nothing).
    /// </summary>
    private static async Task KeepIntakeAsync(WriteSession session, ServerContext context, FhirRequest[] work, FhirResponse?[] responses, CancellationToken ct)
    {
        var targets = new List<string>();
        FhirRequest? first = null;
        for (var i = 0; i < work.Length; i++)
        {
            if (work[i].Intake.Dropped.Count == 0 || responses[i] is not { } response)
            {
                continue;
            }
            responses[i] = response with { Issues = [.. work[i].Intake.Dropped, .. response.Issues], ReportIssues = true };
            var written = response.Location is not null && (response.Status == 201 || (response.Status == 200 && work[i].Method is "PUT" or "PATCH"));
            if (written)
            {
                targets.Add(response.Location!);
                first ??= work[i];
            }
        }
        if (first is not null)
        {
            await IntakeRecord.KeepAsync(session, context, first with { Intake = first.Intake.ForEntry(work.SelectMany(w => w.Intake.Dropped)) }, targets, ct);
        }
    }

    /// <summary>The dropped-element warnings of each entry (by the <c>Bundle.entry[i]</c> of their path), null for entries without any.</summary>
    private static List<Issue>?[] DroppedByEntry(IntakeLog intake, int count)
    {
        var byEntry = new List<Issue>?[count];
        foreach (var issue in intake.Dropped)
        {
            if (EntryIndex(issue.Expression) is { } index && index < count)
            {
                (byEntry[index] ??= []).Add(issue);
            }
        }
        return byEntry;
    }

    private static Task<FhirResponse> DispatchWriteAsync(FhirRequest entry, ServerContext context, WriteSession session, CancellationToken ct) =>
        (entry.Method, entry.Id is not null) switch
        {
            ("POST", true) => WriteResolvedCreateAsync(entry, context, session, ct),
            ("POST", false) => Create.HandleAsync(entry, context, session, ct),
            ("PUT", true) => WriteWithUrlId(entry, context, session, ct),
            ("PUT", false) => Update.HandleConditionalAsync(entry, context, session, ct),
            ("DELETE", true) => Delete.HandleAsync(entry, context, session, ct),
            ("DELETE", false) => Delete.HandleConditionalAsync(entry, context, session, ct),
            ("PATCH", true) => Patch.HandleAsync(BinaryPatch(entry), context, session, ct),
            ("PATCH", false) => Patch.HandleConditionalAsync(BinaryPatch(entry), context, session, ct),
            _ => Task.FromResult(FhirResponse.Error(405, IssueType.NotSupported, $"'{entry.Method} {entry.RelativeUrl}' is not an interaction this server supports in a Bundle.")),
        };

    private static Task<FhirResponse> DispatchReadAsync(FhirRequest entry, ServerContext context, CancellationToken ct)
    {
        if (entry.ResourceType is null)
        {
            return entry.RelativeUrl.StartsWith("_history", StringComparison.Ordinal)
                ? History.HandleAsync(entry, context, ct)
                : Task.FromResult(FhirResponse.Error(400, IssueType.NotSupported, $"'GET {entry.RelativeUrl}' is not supported in a Bundle."));
        }
        if (entry.VersionId is not null)
        {
            return VRead.HandleAsync(entry, context, ct);
        }
        if (entry.RelativeUrl.Split('?')[0].EndsWith("/_history", StringComparison.Ordinal))
        {
            return History.HandleAsync(entry, context, ct);
        }
        return entry.Id is null ? SearchType.HandleAsync(entry, context, ct) : Read.HandleAsync(entry, context, ct);
    }

    private static async Task<FhirResponse> WriteResolvedCreateAsync(FhirRequest entry, ServerContext context, WriteSession session, CancellationToken ct)
    {
        return ResourceBody.TryParse(entry, context, entry.ResourceType, out var resource, out var error)
            ? await Create.WriteNewAsync(session, context, resource, entry.Id!, ct)
            : error;
    }

    private static async Task<FhirResponse> WriteWithUrlId(FhirRequest entry, ServerContext context, WriteSession session, CancellationToken ct)
    {
        if (!ResourceBody.TryParse(entry, context, entry.ResourceType, out var resource, out var error))
        {
            return error;
        }
        var bodyId = resource.GetString("id");
        if (bodyId is not null && bodyId != entry.Id)
        {
            return FhirResponse.Error(400, IssueType.Invalid, $"The id in the body ({bodyId}) differs from the id in the URL ({entry.Id}).", $"{resource.Type.Name}.id");
        }
        return await Update.WriteVersionAsync(session, context, resource, entry.Id!, entry.Conditions.IfMatch, WriteMethod.Update, ct);
    }

    /// <summary>
    /// In a Bundle, a JSON Patch travels as a Binary whose data is the patch document; a FHIRPath Patch is the entry's
    /// Parameters resource itself, which the patch interaction takes from <see cref="FhirRequest.Resource"/>.
    /// </summary>
    private static FhirRequest BinaryPatch(FhirRequest entry)
    {
        if (entry.Resource is { } binary && binary.Type.Name == "Binary" && binary.GetString("data") is { } data)
        {
            return entry with { Body = Convert.FromBase64String(data), Resource = null, ContentType = binary.GetString("contentType") };
        }
        return entry;
    }

    /// <summary>The entry index of an issue about <c>Bundle.entry[i]...</c>, or null.</summary>
    private static int? EntryIndex(string? expression)
    {
        const string prefix = "Bundle.entry[";
        if (expression is null || !expression.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }
        var end = expression.IndexOf(']', prefix.Length);
        return end > 0 && int.TryParse(expression.AsSpan(prefix.Length, end - prefix.Length), out var index) ? index : null;
    }

    private static FhirResponse EntryFailed(int index, FhirResponse response)
    {
        var where = $"Bundle.entry[{index}]";
        var issues = response.Issues.Select(i => i with
        {
            Message = $"{where}: {i.Message}",
            Expression = i.Expression is null ? where : RebaseExpression(i.Expression, where),
        }).ToList();
        return FhirResponse.Error(response.Status, issues);
    }

    // Issues about an entry's resource say "Patient.name[0]"; inside the Bundle that is "Bundle.entry[i].resource.name[0]".
    private static string RebaseExpression(string expression, string where)
    {
        if (expression.StartsWith("Bundle.", StringComparison.Ordinal))
        {
            return expression;
        }
        var dot = expression.IndexOf('.');
        return dot < 0 ? $"{where}.resource" : $"{where}.resource{expression[dot..]}";
    }

}
