namespace Fhir.Cli.Import;

/// <summary>
/// One request of an import: a batch Bundle made of NDJSON lines (or of a non-transaction Bundle's entries), or a
/// transaction/batch Bundle file posted as it is. <see cref="Key"/> names it in the state file across runs.
/// </summary>
/// <param name="Key">The file, the first line and the count: <c>Observation.ndjson:1001+500</c>.</param>
/// <param name="File">The input file.</param>
/// <param name="Entries">The resources in it, in entry order.</param>
/// <param name="Transaction">True for a transaction Bundle file: all its entries are accepted or none.</param>
/// <param name="Bytes">How much of the input it covers, for the progress bar.</param>
/// <param name="Body">The Bundle to post; null when it is built from <see cref="Entries"/>.</param>
internal sealed record ImportChunk(string Key, string File, IReadOnlyList<ImportEntry> Entries, bool Transaction, long Bytes, byte[]? Body = null)
{
    /// <summary>What the chunk's part of the input held that is not a resource (reported once, with the chunk).</summary>
    public IReadOnlyList<Rejection> Unreadable { get; init; } = [];
}

/// <summary>One resource of a chunk.</summary>
/// <param name="Line">Its line in an NDJSON file, or its entry index (from 0) in a Bundle file.</param>
/// <param name="ResourceType">Its type.</param>
/// <param name="Id">Its id, when it has one (it is then PUT, so that a resend never duplicates it).</param>
/// <param name="Json">The resource's JSON; empty for entries of a Bundle posted as it is.</param>
internal sealed record ImportEntry(long Line, string ResourceType, string? Id, ReadOnlyMemory<byte> Json);
