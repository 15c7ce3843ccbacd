namespace Fhir.Server.Bulk;

/// <summary>
/// How far an export got, as its job's cursor: the type and key it reached, the file being written and how long that
/// file was at the checkpoint (a runner that takes over cuts it back there), and the files already complete. Once the
/// export is done the same record lists every file, which is what the manifest shows.
/// </summary>
internal sealed record ExportState
{
    /// <summary>The position in <see cref="ExportRequest.Types"/>.</summary>
    public int TypeIndex { get; init; }

    /// <summary>The key of the last resource of that type written (0: none yet).</summary>
    public long After { get; init; }

    /// <summary>True once the type's searches are done and its additional resources (a study's own) are being written.</summary>
    public bool Extras { get; init; }

    /// <summary>Additional resources of the type that its searches already wrote (<c>id</c>s), so that they are not written twice.</summary>
    public IReadOnlyList<string>? ExtrasSeen { get; init; }

    /// <summary>The number of the type's file being written (from 1).</summary>
    public int Part { get; init; } = 1;

    /// <summary>Resources in that file at the checkpoint.</summary>
    public long PartCount { get; init; }

    /// <summary>Bytes of that file at the checkpoint.</summary>
    public long PartBytes { get; init; }

    /// <summary>Resources written in all.</summary>
    public long Done { get; init; }

    /// <summary>The complete files, in order.</summary>
    public IReadOnlyList<ExportFile> Files { get; init; } = [];

    /// <summary>The files of OperationOutcomes (the manifest's <c>error</c>).</summary>
    public IReadOnlyList<ExportFile> Errors { get; init; } = [];

    public string ToJson() => BulkJson.Write(this);

    public static ExportState FromJson(string? json) => json is null ? new ExportState() : BulkJson.Read<ExportState>(json);

    /// <summary>The name of file <paramref name="part"/> of <paramref name="type"/>: <c>Observation.002.ndjson</c>.</summary>
    public static string FileName(string type, int part) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{type}.{part:000}.ndjson");
}

/// <summary>One complete NDJSON file of an export.</summary>
/// <param name="Type">The resource type of every line.</param>
/// <param name="Name">The file name in the export's folder.</param>
/// <param name="Count">Resources (lines) in it.</param>
internal sealed record ExportFile(string Type, string Name, long Count);
