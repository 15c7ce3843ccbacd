using Fhir.Server.Security;

namespace Fhir.Server.Bulk;

/// <summary>
/// A bulk import as its kick-off settled it, stored as the job's request: the inputs, where each is read from, and the
/// grant of the client that asked (every resource is written through that client's gate).
/// </summary>
internal sealed record ImportRequest
{
    /// <summary>The job kind.</summary>
    public const string Kind = "import";

    /// <summary>The folder (under <see cref="ImportOptions.Path"/>) of this import's uploads and error files.</summary>
    public required string Folder { get; init; }

    /// <summary>The kick-off URL.</summary>
    public required string Request { get; init; }

    /// <summary>When the import was asked for.</summary>
    public required DateTimeOffset TransactionTime { get; init; }

    /// <summary>The draft's <c>inputSource</c>: put into <c>meta.source</c> of resources that have none.</summary>
    public string? InputSource { get; init; }

    /// <summary>The NDJSON inputs, in order.</summary>
    public required IReadOnlyList<ImportInput> Inputs { get; init; }

    /// <summary>The grant of the client that asked.</summary>
    public required DelegatedGrant Grant { get; init; }

    public string ToJson() => BulkJson.Write(this);

    public static ImportRequest FromJson(string json) => BulkJson.Read<ImportRequest>(json);
}

/// <summary>Where an import input is read from.</summary>
internal enum ImportSourceKind
{
    /// <summary>An NDJSON body staged in the import's folder.</summary>
    Upload,

    /// <summary>A file of an export of this server by the same client (<c>[base]/_bulk/[job]/[file]</c>).</summary>
    Export,

    /// <summary>An http(s) URL under one of <see cref="ImportOptions.AllowedSources"/>.</summary>
    Remote,
}

/// <summary>One NDJSON input of an import.</summary>
/// <param name="Url">The input's URL as the client named it (the manifest's <c>inputUrl</c>); for an upload, the kick-off URL.</param>
/// <param name="Type">The resource type the client said the file holds, or null for any.</param>
/// <param name="Kind">Where it is read from.</param>
/// <param name="Location">The staged file's name, <c>[job]/[file]</c> of an export, or the remote URL.</param>
internal sealed record ImportInput(string Url, string? Type, ImportSourceKind Kind, string Location);
