using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Fhir.Views.Output;

/// <summary>JSON rows: one object per line (NDJSON), or one array of objects. Every column is present, null included.</summary>
internal sealed class JsonRowWriter(Stream output, bool lines) : RowWriter
{
    internal static readonly JsonSerializerOptions SerializerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
    private const int FlushAt = 1 << 16;
    private readonly ArrayBufferWriter<byte> _buffer = new(FlushAt * 2);
    private Utf8JsonWriter? _jsonWriter;
    private JsonEncodedText[] _names = [];

    protected override ValueTask OnStartAsync(CancellationToken cancellationToken)
    {
        _jsonWriter = new Utf8JsonWriter(_buffer, WriterOptions);
        _names = [.. Columns.Select(c => JsonEncodedText.Encode(c.Name, WriterOptions.Encoder))];
        if (!lines)
        {
            Json.WriteStartArray();
        }
        return ValueTask.CompletedTask;
    }

    public override async ValueTask WriteAsync(IReadOnlyList<object?[]> rows, CancellationToken cancellationToken = default)
    {
        foreach (var row in rows)
        {
            Json.WriteStartObject();
            for (var i = 0; i < row.Length; i++)
            {
                Json.WritePropertyName(_names[i]);
                Value(row[i]);
            }
            Json.WriteEndObject();
            if (lines)
            {
                // Each line is a document of its own: end it, and start the next one afresh.
                Json.Flush();
                _buffer.Write("\n"u8);
                Json.Reset(_buffer);
            }
            if (Json.BytesPending + _buffer.WrittenCount > FlushAt)
            {
                await DrainAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        await DrainAsync(cancellationToken).ConfigureAwait(false);
    }

    private Utf8JsonWriter Json => _jsonWriter ?? throw new InvalidOperationException("StartAsync first.");

    private async ValueTask DrainAsync(CancellationToken cancellationToken)
    {
        Json.Flush();
        await output.WriteAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        _buffer.ResetWrittenCount();
    }

    public override async ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (!lines)
        {
            Json.WriteEndArray();
        }
        await DrainAsync(cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_jsonWriter is not null)
        {
            await _jsonWriter.DisposeAsync().ConfigureAwait(false);
        }
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private void Value(object? value)
    {
        switch (value)
        {
            case null:
                Json.WriteNullValue();
                break;
            case string s:
                Json.WriteStringValue(s);
                break;
            case bool b:
                Json.WriteBooleanValue(b);
                break;
            case int n:
                Json.WriteNumberValue(n);
                break;
            case long n:
                Json.WriteNumberValue(n);
                break;
            case decimal m:
                Json.WriteNumberValue(m);
                break;
            case object[] items:
                Json.WriteStartArray();
                foreach (var item in items)
                {
                    Value(item);
                }
                Json.WriteEndArray();
                break;
            default:
                Json.WriteStringValue(value.ToString());
                break;
        }
    }
}
