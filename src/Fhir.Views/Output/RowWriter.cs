namespace Fhir.Views.Output;

/// <summary>
/// Writes the rows of a view to a stream as they are produced: <see cref="StartAsync"/> once with the columns, then
/// <see cref="WriteAsync"/> for each batch of rows (in order), then <see cref="CompleteAsync"/>. A row is an array with
/// one value per column: null, <see cref="string"/>, <see cref="bool"/>, <see cref="int"/>, <see cref="long"/>,
/// <see cref="decimal"/>, or for a collection column an <c>object[]</c> of those. The writer never closes the stream.
/// </summary>
public abstract class RowWriter : IAsyncDisposable
{
    /// <summary>The output columns, set by <see cref="StartAsync"/>.</summary>
    protected IReadOnlyList<ViewColumn> Columns { get; private set; } = [];

    /// <summary>Writers of each format over <paramref name="output"/> (Parquet needs a seekable stream).</summary>
    public static RowWriter Create(ViewOutputFormat format, Stream output) => format switch
    {
        ViewOutputFormat.Csv => new CsvRowWriter(output),
        ViewOutputFormat.Ndjson => new JsonRowWriter(output, lines: true),
        ViewOutputFormat.Json => new JsonRowWriter(output, lines: false),
        ViewOutputFormat.Parquet => new ParquetRowWriter(output),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    /// <summary>Parses a format name: <c>csv</c>, <c>ndjson</c>, <c>json</c>, <c>parquet</c>, or their media types.</summary>
    public static ViewOutputFormat? ParseFormat(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "csv" or "text/csv" => ViewOutputFormat.Csv,
        "ndjson" or "application/x-ndjson" or "application/ndjson" or "application/fhir+ndjson" => ViewOutputFormat.Ndjson,
        "json" or "application/json" => ViewOutputFormat.Json,
        "parquet" or "application/vnd.apache.parquet" or "application/x-parquet" => ViewOutputFormat.Parquet,
        _ => null,
    };

    /// <summary>Begins the output (a header, a schema).</summary>
    public ValueTask StartAsync(IReadOnlyList<ViewColumn> columns, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(columns);
        Columns = columns;
        return OnStartAsync(cancellationToken);
    }

    /// <summary>Writes rows, in order.</summary>
    public abstract ValueTask WriteAsync(IReadOnlyList<object?[]> rows, CancellationToken cancellationToken = default);

    /// <summary>Ends the output (a closing bracket, a footer) and flushes it.</summary>
    public abstract ValueTask CompleteAsync(CancellationToken cancellationToken = default);

    /// <summary>Begins the output; <see cref="Columns"/> is set.</summary>
    protected abstract ValueTask OnStartAsync(CancellationToken cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
