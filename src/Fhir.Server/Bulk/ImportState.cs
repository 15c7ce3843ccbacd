namespace Fhir.Server.Bulk;

/// <summary>
/// How far an import got, as its job's cursor, committed in the same transaction as the resources it stored: the input
/// and the last line done, the length of that input's error file, and per input how many resources were stored and how
/// many rejected. A runner that takes over skips the lines done and cuts the error file back, so nothing is stored or
/// reported twice.
/// </summary>
internal sealed record ImportState
{
    /// <summary>The position in <see cref="ImportRequest.Inputs"/>.</summary>
    public int Input { get; init; }

    /// <summary>The last line of that input done (stored or rejected); 0 before the first.</summary>
    public long Line { get; init; }

    /// <summary>Bytes of that input's error file.</summary>
    public long ErrorBytes { get; init; }

    /// <summary>Per input: resources stored and rejected.</summary>
    public IReadOnlyList<ImportCount> Counts { get; init; } = [];

    /// <summary>Resources stored, all inputs.</summary>
    public long Accepted => Counts.Sum(c => c.Accepted);

    /// <summary>Resources rejected, all inputs.</summary>
    public long Rejected => Counts.Sum(c => c.Rejected);

    public string ToJson() => BulkJson.Write(this);

    public static ImportState FromJson(string? json, int inputs)
    {
        var state = json is null ? new ImportState() : BulkJson.Read<ImportState>(json);
        return state.Counts.Count == inputs ? state : state with { Counts = [.. state.Counts, .. Enumerable.Repeat(new ImportCount(0, 0), inputs - state.Counts.Count)] };
    }

    /// <summary>The state after a chunk of the current input.</summary>
    public ImportState After(long line, long errorBytes, int accepted, int rejected)
    {
        var counts = Counts.ToArray();
        counts[Input] = new ImportCount(counts[Input].Accepted + accepted, counts[Input].Rejected + rejected);
        return this with { Line = line, ErrorBytes = errorBytes, Counts = counts };
    }

    /// <summary>The state at the start of the next input.</summary>
    public ImportState NextInput() => this with { Input = Input + 1, Line = 0, ErrorBytes = 0 };

    /// <summary>The error file of input <paramref name="input"/>: <c>OperationOutcome.001.ndjson</c>.</summary>
    public static string ErrorFileName(int input) => ExportState.FileName("OperationOutcome", input + 1);
}

/// <summary>What became of one input's resources.</summary>
/// <param name="Accepted">Stored.</param>
/// <param name="Rejected">Rejected (reported in the input's error file).</param>
internal sealed record ImportCount(long Accepted, long Rejected);
