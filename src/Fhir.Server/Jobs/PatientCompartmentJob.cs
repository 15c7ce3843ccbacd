using Fhir.Core.Definitions;
using Fhir.Core.Json;
using Fhir.Search.Parameters;
using Fhir.Storage;
using Fhir.Storage.Jobs;
using Microsoft.Extensions.Logging;

namespace Fhir.Server.Jobs;

/// <summary>
/// Records the patient compartments of versions stored before the schema kept them (queued by the migration that added
/// them): reads the history in write order, a batch at a time, finds each version's patients as a write would, and
/// stores them with the job's checkpoint in one transaction; tombstones take the patients of the version they deleted.
/// Until it is done, reads held to a patient do not see the older versions (the gate fails closed).
/// </summary>
internal sealed class PatientCompartmentJob(IFhirStore store, SearchParameterCatalog catalog, FhirDefinitions definitions, JobOptions options, TimeProvider clock, ILogger<PatientCompartmentJob> logger)
{
    private readonly Fhir.Search.Compartments.CompartmentModel compartments = Fhir.Search.Compartments.CompartmentModel.FromDefinitions(definitions);

    /// <summary>Runs <paramref name="job"/> to its end; false when the runner lost it on the way.</summary>
    public async Task<bool> RunAsync(JobRecord job, string owner, CancellationToken ct)
    {
        var after = long.TryParse(job.Cursor, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var cursor) ? cursor : 0;
        var done = job.Done;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var batch = await store.ReadVersionsAsync(after, options.ReindexBatchSize, ct);
            var rows = new List<VersionPatients>(batch.Count);
            var indexer = catalog.Current.Indexer;
            foreach (var version in batch)
            {
                if (version.Method == WriteMethod.Delete || FhirJsonReader.Parse(version.Json.Span, definitions: definitions).Resource is not { } resource)
                {
                    continue;
                }
                var patients = compartments.Members("Patient", version.Type, version.Id, indexer.Extract(resource));
                if (patients.Count > 0)
                {
                    rows.Add(new VersionPatients(version.Seq, patients));
                }
            }
            var through = batch.Count == 0 ? long.MaxValue : batch[^1].Seq;
            // The last pass takes every tombstone again: one written while the job ran copied nothing from a version
            // the job had not reached yet.
            var from = batch.Count == 0 ? 0 : after;
            done += batch.Count;
            var now = clock.GetUtcNow();
            var checkpoint = new JobCheckpoint(job.Id, owner, through.ToString(System.Globalization.CultureInfo.InvariantCulture), done, null, now + options.Lease);
            if (!await store.WritePatientsAsync(rows, from, through, checkpoint, now, ct))
            {
                logger.LogInformation("Patient compartment job {Job} stopped at {Cursor}: cancelled or taken over", job.Id, after);
                return false;
            }
            if (batch.Count == 0)
            {
                logger.LogInformation("Patient compartments recorded for {Count} stored versions", done);
                return true;
            }
            after = through;
        }
    }
}
