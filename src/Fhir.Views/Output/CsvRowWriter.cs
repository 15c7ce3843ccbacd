using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Fhir.Views.Output;

/// <summary>CSV: a header row, then one line per row; fields quoted when they hold a comma, quote, line end or edge space; null is an empty field.</summary>
internal sealed class CsvRowWriter(Stream output) : RowWriter
{
    private static readonly SearchValues<char> NeedQuotes = SearchValues.Create(",\"\r\n");
    private readonly StreamWriter _writer = new(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16, leaveOpen: true) { NewLine = "\n" };

    protected override ValueTask OnStartAsync(CancellationToken cancellationToken)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (i > 0)
            {
                _writer.Write(',');
            }
            Field(Columns[i].Name);
        }
        _writer.Write('\n');
        return ValueTask.CompletedTask;
    }

    public override async ValueTask WriteAsync(IReadOnlyList<object?[]> rows, CancellationToken cancellationToken = default)
    {
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                if (i > 0)
                {
                    _writer.Write(',');
                }
                Value(row[i]);
            }
            _writer.Write('\n');
        }
        if (output.CanSeek || rows.Count > 0)
        {
            await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override async ValueTask CompleteAsync(CancellationToken cancellationToken = default) =>
        await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);

    public override async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private void Value(object? value)
    {
        switch (value)
        {
            case null:
                return;
            case string s:
                Field(s);
                return;
            case bool b:
                _writer.Write(b ? "true" : "false");
                return;
            case int n:
                _writer.Write(n.ToString(CultureInfo.InvariantCulture));
                return;
            case long n:
                _writer.Write(n.ToString(CultureInfo.InvariantCulture));
                return;
            case decimal m:
                _writer.Write(m.ToString(CultureInfo.InvariantCulture));
                return;
            case object[] items:
                Field(JsonSerializer.Serialize(items, JsonRowWriter.SerializerOptions));
                return;
            default:
                Field(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
                return;
        }
    }

    private void Field(string text)
    {
        if (text.AsSpan().IndexOfAny(NeedQuotes) < 0 && (text.Length == 0 || (text[0] != ' ' && text[^1] != ' ')))
        {
            _writer.Write(text);
            return;
        }
        _writer.Write('"');
        _writer.Write(text.Replace("\"", "\"\"", StringComparison.Ordinal));
        _writer.Write('"');
    }
}
