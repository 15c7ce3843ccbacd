using System.IO.Compression;
using System.Runtime.CompilerServices;

namespace Fhir.Views.Input;

/// <summary>Reads NDJSON (one JSON value per line; blank lines skipped; <c>.gz</c> files decompressed) line by line, in flat memory.</summary>
public static class NdjsonReader
{
    private const int BlockSize = 1 << 20;

    /// <summary>
    /// The lines of a stream, without their line ends, each with its 1-based line number. A line's memory is only valid
    /// until the next line is asked for: copy what you keep.
    /// </summary>
    public static async IAsyncEnumerable<(ReadOnlyMemory<byte> Line, long Number)> ReadLinesAsync(
        Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new byte[BlockSize];
        var start = 0;
        var end = 0;
        long number = 0;
        while (true)
        {
            if (start > 0 && start == end)
            {
                start = end = 0;
            }
            if (end == buffer.Length)
            {
                if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }
                else
                {
                    Array.Resize(ref buffer, buffer.Length * 2); // a line longer than the buffer
                }
            }
            var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }
            var scanFrom = end;
            end += read;
            while (true)
            {
                var newline = Array.IndexOf(buffer, (byte)'\n', scanFrom, end - scanFrom);
                if (newline < 0)
                {
                    break;
                }
                number++;
                var line = Trim(buffer.AsMemory(start, newline - start));
                start = newline + 1;
                scanFrom = start;
                if (!line.IsEmpty)
                {
                    yield return (line, number);
                }
            }
        }
        if (end > start)
        {
            number++;
            var last = Trim(buffer.AsMemory(start, end - start));
            if (!last.IsEmpty)
            {
                yield return (last, number);
            }
        }
    }

    /// <summary>Opens an NDJSON file for <see cref="ReadLinesAsync"/>, decompressing <c>.gz</c>.</summary>
    public static Stream Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    private static ReadOnlyMemory<byte> Trim(Memory<byte> line)
    {
        var span = line.Span;
        var from = 0;
        var to = span.Length;
        while (from < to && span[from] is (byte)' ' or (byte)'\t' or (byte)'\r')
        {
            from++;
        }
        while (to > from && span[to - 1] is (byte)' ' or (byte)'\t' or (byte)'\r')
        {
            to--;
        }
        // A UTF-8 byte order mark at the start of a file.
        if (to - from >= 3 && span[from] == 0xEF && span[from + 1] == 0xBB && span[from + 2] == 0xBF)
        {
            from += 3;
        }
        return line[from..to];
    }
}
