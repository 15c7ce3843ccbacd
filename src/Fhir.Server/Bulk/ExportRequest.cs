using Fhir.Server.Security;

namespace Fhir.Server.Bulk;

/// <summary>Which Bulk Data export: the whole server, all patients, a Group's members, or a study's cohort.</summary>
internal enum ExportLevel { System, Patient, Group, Study }

/// <summary>
/// A Bulk Data export as its kick-off settled it, stored as the job's request: everything the job needs to run on any
/// node after any restart, including the grant of the client that asked (the job reads through that client's gate).
/// </summary>
internal sealed record ExportRequest
{
    /// <summary>The job kind.</summary>
    public const string Kind = "export";

    /// <summary>What is exported.</summary>
    public required ExportLevel Level { get; init; }

    /// <summary>The Group's or the ResearchStudy's id (group and study exports).</summary>
    public string? Focus { get; init; }

    /// <summary>The kick-off URL as the client sent it (the manifest's <c>request</c>; without the body of a POST).</summary>
    public required string Request { get; init; }

    /// <summary>The <c>_outputFormat</c> asked for, normalised (<c>application/fhir+ndjson</c>).</summary>
    public string OutputFormat { get; init; } = ExportParameters.Ndjson;

    /// <summary>The manifest's <c>transactionTime</c>: when the export was asked for.</summary>
    public required DateTimeOffset TransactionTime { get; init; }

    /// <summary><c>_since</c>: only resources changed after it.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>The resource types to export, in order.</summary>
    public required IReadOnlyList<string> Types { get; init; }

    /// <summary><c>_typeFilter</c>: per type, search queries (<c>status=active&amp;date=ge2020</c>) of which a resource must match one.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? TypeFilters { get; init; }

    /// <summary><c>_elements</c> as given (<c>id</c>, <c>Patient.name</c>), or null for whole resources.</summary>
    public IReadOnlyList<string>? Elements { get; init; }

    /// <summary>The patients whose compartments are exported (group, study, or the <c>patient</c> parameter); null for no such limit.</summary>
    public IReadOnlyList<string>? Patients { get; init; }

    /// <summary>Resources exported besides the patients' compartments (<c>Type/id</c>): a study and what it refers to.</summary>
    public IReadOnlyList<string>? Extra { get; init; }

    /// <summary>What the kick-off ignored under <c>Prefer: handling=lenient</c>, for the manifest's error file.</summary>
    public IReadOnlyList<ExportNote>? Notes { get; init; }

    /// <summary>The grant of the client that asked.</summary>
    public required DelegatedGrant Grant { get; init; }

    public string ToJson() => BulkJson.Write(this);

    public static ExportRequest FromJson(string json) => BulkJson.Read<ExportRequest>(json);
}

/// <summary>A parameter the kick-off could not honour and, asked to be lenient, left out: one OperationOutcome of the error file.</summary>
/// <param name="Message">What was left out and why.</param>
/// <param name="Parameter">The parameter.</param>
internal sealed record ExportNote(string Message, string Parameter);
