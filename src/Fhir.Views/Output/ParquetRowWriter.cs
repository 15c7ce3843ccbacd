using System.Buffers;
using Parquet;
using Parquet.Schema;

namespace Fhir.Views.Output;

/// <summary>
/// Apache Parquet through Parquet.Net: one typed, nullable column per view column (string, boolean, int32, int64, double
/// for decimals; dates and times as their FHIR text, which keeps partial dates), collections as Parquet lists. Rows are
/// buffered into row groups of <see cref="RowGroupSize"/>, so memory stays flat whatever the number of rows.
/// </summary>
internal sealed class ParquetRowWriter(Stream output) : RowWriter
{
    internal const int RowGroupSize = 50_000;

    private readonly List<object?[]> _pending = [];
    private ParquetWriter? _writer;
    private DataField[] _fields = [];

    protected override async ValueTask OnStartAsync(CancellationToken cancellationToken)
    {
        var fields = new Field[Columns.Count];
        _fields = new DataField[Columns.Count];
        for (var i = 0; i < Columns.Count; i++)
        {
            var column = Columns[i];
            var type = ClrType(column.Kind);
            if (column.Collection)
            {
                _fields[i] = new DataField("element", type, isNullable: true);
                fields[i] = new ListField(column.Name, _fields[i]);
            }
            else
            {
                fields[i] = _fields[i] = new DataField(column.Name, type, isNullable: true);
            }
        }
        _writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), output, new ParquetOptions { CompressionMethod = CompressionMethod.Snappy },
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask WriteAsync(IReadOnlyList<object?[]> rows, CancellationToken cancellationToken = default)
    {
        _pending.AddRange(rows);
        if (_pending.Count >= RowGroupSize)
        {
            await FlushGroupAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override async ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (_pending.Count > 0 || _writer is not null)
        {
            await FlushGroupAsync(cancellationToken).ConfigureAwait(false);
        }
        if (_writer is not null)
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
            _writer = null;
        }
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
            _writer = null;
        }
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private async ValueTask FlushGroupAsync(CancellationToken cancellationToken)
    {
        if (_writer is null)
        {
            throw new InvalidOperationException("StartAsync first.");
        }
        if (_pending.Count == 0 && _writer is not null && Columns.Count > 0)
        {
            return; // a file without rows keeps its schema and no row group
        }
        using var group = _writer!.CreateRowGroup();
        for (var i = 0; i < Columns.Count; i++)
        {
            if (Columns[i].Collection)
            {
                await WriteListAsync(group, i, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await WriteColumnAsync(group, i, cancellationToken).ConfigureAwait(false);
            }
        }
        group.CompleteValidate();
        _pending.Clear();
    }

    // Column arrays are rented: a row group's are large, and fresh ones each time would fragment the large object heap.
    private async Task WriteColumnAsync(ParquetRowGroupWriter group, int column, CancellationToken cancellationToken)
    {
        var field = _fields[column];
        switch (Columns[column].Kind)
        {
            case ColumnKind.Boolean:
                await WriteValuesAsync<bool>(group, field, column, v => v as bool?, cancellationToken).ConfigureAwait(false);
                return;
            case ColumnKind.Integer:
                await WriteValuesAsync<int>(group, field, column, v => v as int?, cancellationToken).ConfigureAwait(false);
                return;
            case ColumnKind.Integer64:
                await WriteValuesAsync<long>(group, field, column, v => v as long?, cancellationToken).ConfigureAwait(false);
                return;
            case ColumnKind.Decimal:
                await WriteValuesAsync<double>(group, field, column, v => v is decimal m ? (double)m : null, cancellationToken).ConfigureAwait(false);
                return;
            default:
                var strings = ArrayPool<string>.Shared.Rent(_pending.Count);
                try
                {
                    for (var r = 0; r < _pending.Count; r++)
                    {
                        strings[r] = (_pending[r][column] as string)!;
                    }
                    await group.WriteAsync(field, new ArraySegment<string>(strings, 0, _pending.Count), null).ConfigureAwait(false);
                }
                finally
                {
                    ArrayPool<string>.Shared.Return(strings, clearArray: true);
                }
                return;
        }
    }

    private async Task WriteValuesAsync<T>(ParquetRowGroupWriter group, DataField field, int column, Func<object?, T?> value, CancellationToken cancellationToken)
        where T : struct
    {
        var values = ArrayPool<T?>.Shared.Rent(_pending.Count);
        try
        {
            for (var r = 0; r < _pending.Count; r++)
            {
                values[r] = value(_pending[r][column]);
            }
            await group.WriteAsync(field, new ReadOnlyMemory<T?>(values, 0, _pending.Count), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<T?>.Shared.Return(values);
        }
    }

    /// <summary>
    /// A list column in Dremel levels: definition 0 = null list, 1 = empty list, 2 = null element, 3 = element; repetition 0
    /// starts a row's list, 1 continues it.
    /// </summary>
    private Task WriteListAsync(ParquetRowGroupWriter group, int column, CancellationToken cancellationToken)
    {
        var definitions = new List<int>(_pending.Count);
        var repetitions = new List<int>(_pending.Count);
        var items = new List<object>(_pending.Count);
        foreach (var row in _pending)
        {
            if (row[column] is not object[] { Length: > 0 } list)
            {
                definitions.Add(row[column] is null ? 0 : 1);
                repetitions.Add(0);
                continue;
            }
            for (var k = 0; k < list.Length; k++)
            {
                definitions.Add(3);
                repetitions.Add(k == 0 ? 0 : 1);
                items.Add(list[k]);
            }
        }
        var field = _fields[column];
        var d = definitions.ToArray();
        var r = repetitions.ToArray();
        return Columns[column].Kind switch
        {
            ColumnKind.Boolean => group.WriteAllPartsAsync<bool>(field, items.Cast<bool>().ToArray(), d, r, cancellationToken),
            ColumnKind.Integer => group.WriteAllPartsAsync<int>(field, items.Cast<int>().ToArray(), d, r, cancellationToken),
            ColumnKind.Integer64 => group.WriteAllPartsAsync<long>(field, items.Cast<long>().ToArray(), d, r, cancellationToken),
            ColumnKind.Decimal => group.WriteAllPartsAsync<double>(field, items.Select(m => (double)(decimal)m).ToArray(), d, r, cancellationToken),
            _ => group.WriteAllPartsAsync<ReadOnlyMemory<char>>(field, items.Cast<string>().Select(s => s.AsMemory()).ToArray(), d, r, cancellationToken),
        };
    }

    private static Type ClrType(ColumnKind kind) => kind switch
    {
        ColumnKind.Boolean => typeof(bool),
        ColumnKind.Integer => typeof(int),
        ColumnKind.Integer64 => typeof(long),
        ColumnKind.Decimal => typeof(double),
        _ => typeof(string),
    };
}
